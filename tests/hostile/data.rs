//! Hostile input: data — actual rows and CSV files counted once and read exactly.

#[allow(unused_imports)]
use super::common;
