//! Every name of a compilation: where it is defined and where it is used.

use crate::Compilation;

pub struct Index {}

impl Index {
    pub fn build(_c: &Compilation) -> Index {
        Index {}
    }
}
