//! The one diagnostic type of planck.
//!
//! Every phase reports problems as [`Diagnostic`] values. They are built once and then
//! rendered by `emit` as a miette report, JSON, or GitHub annotations, so the labels are
//! never built twice.

use crate::source::Span;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $lint:literal;)*) => {
        /// The fixed diagnostic codes of the `.plan` language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of the language reference.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as users write it (`shares-sum`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity a diagnostic of this code has unless configured otherwise.
            pub fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// Whether the level of this code may be changed (`[lints]`, `allow CODE`).
            /// Every warning is a lint; some errors are lints too.
            pub fn is_lint(self) -> bool {
                match self {
                    $(Code::$variant => $lint,)*
                }
            }
        }
    };
}

codes! {
    Syntax = "syntax", Error, false;
    IncludeNotFound = "include-not-found", Error, false;
    IncludeCycle = "include-cycle", Error, false;
    IncludeOutsideRoot = "include-outside-root", Error, false;
    DuplicateName = "duplicate-name", Error, false;
    UnresolvedName = "unresolved-name", Error, false;
    AmbiguousMember = "ambiguous-member", Error, false;
    UnitMismatch = "unit-mismatch", Error, false;
    InvalidValue = "invalid-value", Error, false;
    MissingPeriod = "missing-period", Error, false;
    OutsidePlanPeriod = "outside-plan-period", Error, false;
    MissingTarget = "missing-target", Error, false;
    SharesSum = "shares-sum", Error, false;
    AmountsSum = "amounts-sum", Error, false;
    NegativeRemainder = "negative-remainder", Error, false;
    SplitCoverage = "split-coverage", Error, false;
    SplitConflict = "split-conflict", Error, false;
    ZeroWeight = "zero-weight", Error, false;
    OverCapacity = "over-capacity", Error, true;
    MissingOwner = "missing-owner", Warning, true;
    MissingLabel = "missing-label", Warning, true;
    MissingBaseline = "missing-baseline", Warning, true;
    GrowthExceedsPolicy = "growth-exceeds-policy", Warning, true;
    FunnelCannotReach = "funnel-cannot-reach", Warning, true;
    CycleExceedsPeriod = "cycle-exceeds-period", Warning, true;
    OrphanGoal = "orphan-goal", Warning, true;
    LowCoverage = "low-coverage", Warning, true;
    StaleDeal = "stale-deal", Warning, true;
    BehindPace = "behind-pace", Warning, true;
    UnmatchedActual = "unmatched-actual", Error, false;
}

impl Code {
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The SMART property a code guards, if any.
    pub fn smart(self) -> Option<char> {
        use Code::*;
        match self {
            MissingOwner | MissingLabel => Some('S'),
            UnitMismatch | MissingTarget => Some('M'),
            OverCapacity | MissingBaseline | GrowthExceedsPolicy | FunnelCannotReach => Some('A'),
            OrphanGoal => Some('R'),
            MissingPeriod | OutsidePlanPeriod | SplitCoverage | CycleExceedsPeriod => Some('T'),
            _ => None,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A labelled span other than the primary one ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// Text shown at the primary span; the message is used when absent.
    pub label: Option<String>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// Count errors and warnings.
pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}
