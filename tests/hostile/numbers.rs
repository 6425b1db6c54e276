//! Hostile input: numbers — exact comparisons, overflow reported, verdicts that agree.

#[allow(unused_imports)]
use super::common;
