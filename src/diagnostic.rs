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
    ($($variant:ident = $name:literal;)*) => {
        /// The fixed diagnostic codes of the `.plan` language. Each has a rule in
        /// `src/check/rules/`, which holds its documentation, default level and SMART
        /// property.
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
        }
    };
}

codes! {
    Syntax = "syntax";
    IncludeNotFound = "include-not-found";
    IncludeCycle = "include-cycle";
    IncludeOutsideRoot = "include-outside-root";
    DuplicateName = "duplicate-name";
    UnresolvedName = "unresolved-name";
    AmbiguousMember = "ambiguous-member";
    UnitMismatch = "unit-mismatch";
    InvalidValue = "invalid-value";
    MissingPeriod = "missing-period";
    OutsidePlanPeriod = "outside-plan-period";
    MissingTarget = "missing-target";
    SharesSum = "shares-sum";
    AmountsSum = "amounts-sum";
    NegativeRemainder = "negative-remainder";
    SplitCoverage = "split-coverage";
    SplitConflict = "split-conflict";
    ZeroWeight = "zero-weight";
    OverCapacity = "over-capacity";
    MissingOwner = "missing-owner";
    MissingLabel = "missing-label";
    MissingBaseline = "missing-baseline";
    GrowthExceedsPolicy = "growth-exceeds-policy";
    FunnelCannotReach = "funnel-cannot-reach";
    CycleExceedsPeriod = "cycle-exceeds-period";
    OrphanGoal = "orphan-goal";
    LowCoverage = "low-coverage";
    StaleDeal = "stale-deal";
    BehindPace = "behind-pace";
    UnmatchedActual = "unmatched-actual";
    UnplacedDeal = "unplaced-deal";
}

impl Code {
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The severity a diagnostic of this code has unless configured otherwise.
    pub fn default_severity(self) -> Severity {
        crate::check::rules::rule(self).level
    }

    /// Whether the level of this code may be changed (`[lints]`, `allow CODE`).
    /// Every warning is a lint; some errors are lints too.
    pub fn is_lint(self) -> bool {
        crate::check::rules::rule(self).lint
    }

    /// The SMART property a code guards, if any.
    pub fn smart(self) -> Option<char> {
        crate::check::rules::rule(self).smart
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
