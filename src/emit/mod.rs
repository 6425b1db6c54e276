//! Diagnostics out: a miette report for people, JSON for tools, GitHub workflow
//! annotations for CI, SARIF for code scanning. All three are rendered from the same [`Diagnostic`] values.
//!
//! [`Diagnostic`]: crate::diagnostic::Diagnostic

pub mod compile;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
