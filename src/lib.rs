//! planck: a compiler and checker for `.plan` files.
//!
//! See `ARCHITECTURE.md` for the phases and how data flows between them.

pub mod diagnostic;
pub mod source;
pub mod syntax;
