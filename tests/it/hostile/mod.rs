//! Plans from pull requests are hostile input. Each test here reproduces one way a plan,
//! a CSV file or a command line could leak or destroy files, hang, or print a wrong
//! number or verdict, and asserts planck's answer instead.

// Tests fail loudly: an unwrap that panics is a failed test, never a silent pass.
#![allow(clippy::unwrap_used)]

use crate::common;

mod data;
mod files;
mod leftovers;
mod numbers;
mod overflow;
mod support;
mod sweep;
mod text;
