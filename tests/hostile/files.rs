//! Hostile input: files — confinement to the project root, regular files only, safe writes.

#[allow(unused_imports)]
use super::common;
