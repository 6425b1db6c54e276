//! Hostile input: text — control characters in terminal output, and work that stays linear.

#[allow(unused_imports)]
use super::common;
