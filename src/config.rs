//! `planck.toml`: policy values and lint levels.
//!
//! ```toml
//! [policy]
//! max_growth = "50%"        # growth-exceeds-policy above this
//! min_coverage = 3.0        # low-coverage below this
//! pace_tolerance = "90%"    # behind-pace below this share of expected-to-date
//! history_tolerance = "20%" # plan-beats-history when the plan is this much above history
//! history_min_sample = 30   # … judged only on this many closed deals or more
//!
//! [policy.rounding]         # rounding unit per goal unit
//! CNY = "0.01"
//! customers = 1
//!
//! [lints]
//! missing-baseline = "allow"   # allow | warn | deny
//! ```
//!
//! Parsing is pure: the CLI finds and reads the file, this module judges its text.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::suggest::did_you_mean;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::str::FromStr;
use toml::Spanned;

pub const FILE_NAME: &str = "planck.toml";

/// The finest rounding unit `[policy.rounding]` accepts: a millionth.
pub const MIN_ROUNDING_UNIT: Decimal = Decimal::from_parts(1, 0, 0, false, 6);

/// Numbers the checks compare against.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub max_growth: Decimal,
    pub min_coverage: Decimal,
    pub pace_tolerance: Decimal,
    /// How far (relative) a funnel's planned win rate, deal size or inflow may lie above
    /// its history before `plan-beats-history`.
    pub history_tolerance: Decimal,
    /// The closed deals a funnel's history needs before `plan-beats-history` judges it.
    pub history_min_sample: u64,
    /// Rounding unit per goal unit (`CNY` → 0.01).
    pub rounding: BTreeMap<String, Decimal>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            max_growth: Decimal::new(5, 1),
            min_coverage: Decimal::from(3),
            pace_tolerance: Decimal::new(9, 1),
            history_tolerance: Decimal::new(2, 1),
            history_min_sample: 30,
            rounding: BTreeMap::new(),
        }
    }
}

/// What to do with diagnostics of a lint code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub policy: Policy,
    pub lints: HashMap<Code, Level>,
}

/// A problem in `planck.toml`, located by byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    policy: Option<RawPolicy>,
    lints: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    max_growth: Option<Spanned<toml::Value>>,
    min_coverage: Option<Spanned<toml::Value>>,
    pace_tolerance: Option<Spanned<toml::Value>>,
    history_tolerance: Option<Spanned<toml::Value>>,
    history_min_sample: Option<Spanned<toml::Value>>,
    rounding: Option<BTreeMap<String, Spanned<toml::Value>>>,
}

fn error(message: String, span: Range<usize>, help: &str) -> ConfigError {
    ConfigError {
        message,
        span: Some(span),
        help: Some(help.to_string()),
    }
}

/// Read a decimal written as a number (`0.5`, `3`) or a string (`"50%"`, `"0.5"`).
fn decimal(
    key: &str,
    value: &Spanned<toml::Value>,
    percent_ok: bool,
) -> Result<Decimal, ConfigError> {
    let parsed = match value.get_ref() {
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) => Decimal::from_str(&f.to_string()).ok(),
        toml::Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) if percent_ok => {
                    number(p.trim()).and_then(|d| d.checked_div(Decimal::ONE_HUNDRED))
                }
                Some(_) => None,
                None => number(s),
            }
        }
        _ => None,
    };
    // A finite number beyond a decimal (1e30, "1e30", "1e30%") is a number all the same:
    // say that it is too large rather than that it is not a number.
    let too_large = match value.get_ref() {
        toml::Value::Float(f) if f.is_finite() && *f >= 1.0 => Some(format!("{f:e}")),
        toml::Value::String(s) if beyond_a_decimal(s, percent_ok) => Some(format!("{s:?}")),
        _ => None,
    };
    if parsed.is_none()
        && let Some(written) = too_large
    {
        let help = if key == "max_growth" {
            "write a smaller number; to never report growth, set `growth-exceeds-policy = \"allow\"` in [lints]"
        } else {
            "write a smaller number"
        };
        return Err(error(
            format!(
                "`{key}` = {written} is larger than the largest number planck holds ({})",
                Decimal::MAX
            ),
            value.span(),
            help,
        ));
    }
    match parsed {
        Some(d) if !d.is_sign_negative() => Ok(d),
        _ => Err(error(
            format!("`{key}` must be a non-negative number"),
            value.span(),
            if percent_ok {
                "write a number such as 0.5 or a percentage such as \"50%\""
            } else {
                "write a number such as 3.0"
            },
        )),
    }
}

/// A whole number of at least one, written as a TOML integer.
fn count(key: &str, value: &Spanned<toml::Value>) -> Result<u64, ConfigError> {
    let n = match value.get_ref() {
        toml::Value::Integer(i) => u64::try_from(*i).ok().filter(|n| *n >= 1),
        _ => None,
    };
    n.ok_or_else(|| {
        error(
            format!("`{key}` must be a whole number of at least 1"),
            value.span(),
            "write a number of closed deals such as 30",
        )
    })
}

/// A decimal written plainly (`0.5`) or with an exponent (`5e-1`, as TOML floats are).
fn number(s: &str) -> Option<Decimal> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .ok()
}

/// Whether a string value is a number (or a percentage, where one is accepted) that a
/// decimal cannot hold: digits, a point and an exponent, positive and at least one.
/// The float only classifies the text; the value is never computed with it.
fn beyond_a_decimal(s: &str, percent_ok: bool) -> bool {
    let s = s.trim();
    let number = match s.strip_suffix('%') {
        Some(p) if percent_ok => p.trim(),
        Some(_) => return false,
        None => s,
    };
    let plain = number
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    plain
        && number.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && self::number(number).is_none()
        && number
            .parse::<f64>()
            .is_ok_and(|f| f.is_finite() && f >= 1.0)
}

/// Parse the text of a `planck.toml`.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
        message: e.message().trim_end().to_string(),
        span: e.span(),
        help: Some("planck.toml has the tables [policy], [policy.rounding] and [lints]".into()),
    })?;
    let mut config = Config::default();
    if let Some(p) = raw.policy {
        if let Some(v) = &p.max_growth {
            config.policy.max_growth = decimal("max_growth", v, true)?;
        }
        if let Some(v) = &p.min_coverage {
            config.policy.min_coverage = decimal("min_coverage", v, false)?;
        }
        if let Some(v) = &p.pace_tolerance {
            config.policy.pace_tolerance = decimal("pace_tolerance", v, true)?;
        }
        if let Some(v) = &p.history_tolerance {
            config.policy.history_tolerance = decimal("history_tolerance", v, true)?;
        }
        if let Some(v) = &p.history_min_sample {
            config.policy.history_min_sample = count("history_min_sample", v)?;
        }
        for (unit, v) in p.rounding.iter().flatten() {
            let d = decimal(unit, v, false)?;
            if d.is_zero() {
                return Err(error(
                    format!("the rounding unit for `{unit}` cannot be zero"),
                    v.span(),
                    "write a positive unit such as 0.01, 1 or 1000",
                ));
            }
            // Finer units make ordinary targets too large to count in units exactly.
            if d < MIN_ROUNDING_UNIT {
                return Err(error(
                    format!("the rounding unit for `{unit}` is finer than 0.000001"),
                    v.span(),
                    "write a unit of at least 0.000001, such as 0.01, 1 or 1000",
                ));
            }
            config.policy.rounding.insert(unit.clone(), d);
        }
    }
    for (name, level) in raw.lints.iter().flatten() {
        let Some(code) = Code::from_name(name.get_ref()) else {
            let help = did_you_mean(name.get_ref(), Code::ALL.iter().map(|c| c.as_str()))
                .map_or_else(
                    || "`planck explain CODE` lists the codes".to_string(),
                    |b| format!("did you mean `{b}`?"),
                );
            return Err(ConfigError {
                message: format!("[lints] names an unknown code `{}`", name.get_ref()),
                span: Some(name.span()),
                help: Some(help),
            });
        };
        if !code.is_lint() {
            return Err(error(
                format!("`{code}` is an error, not a lint: its level cannot be changed"),
                name.span(),
                &lints_help(),
            ));
        }
        let level = match level.get_ref().as_str() {
            "allow" => Level::Allow,
            "warn" => Level::Warn,
            "deny" => Level::Deny,
            other => {
                return Err(error(
                    format!("`{other}` is not a lint level"),
                    level.span(),
                    "write \"allow\", \"warn\" or \"deny\"",
                ));
            }
        };
        config.lints.insert(code, level);
    }
    Ok(config)
}

/// The help for an error code in `[lints]`: which codes may be set there, from the
/// registry of rules (every warning, and the lints that are errors by default).
fn lints_help() -> String {
    let errors: Vec<Code> = crate::check::rules::RULES
        .iter()
        .filter(|r| r.lint && r.level == Severity::Error)
        .map(|r| r.code)
        .collect();
    lints_help_for(&errors)
}

/// "only warnings, `a` and `b` can be set in [lints]".
fn lints_help_for(errors: &[Code]) -> String {
    let mut names: Vec<String> = vec!["warnings".to_string()];
    names.extend(errors.iter().map(|c| format!("`{c}`")));
    let listed = match names.split_last() {
        Some((last, before)) if !before.is_empty() => format!("{} and {last}", before.join(", ")),
        _ => names.join(""),
    };
    format!("only {listed} can be set in [lints]")
}

/// Apply `[lints]` levels: drop allowed lints, set the severity of the others.
pub fn apply_levels(config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain_mut(|d| match config.lints.get(&d.code) {
        Some(Level::Allow) => false,
        Some(Level::Warn) => {
            d.severity = Severity::Warning;
            true
        }
        Some(Level::Deny) => {
            d.severity = Severity::Error;
            true
        }
        None => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_policy_and_levels() {
        let config = parse(
            "[policy]\nmax_growth = \"30%\"\nmin_coverage = 2.5\n[policy.rounding]\nCNY = \"100\"\n[lints]\nmissing-baseline = \"allow\"\n",
        );
        let Ok(config) = config else {
            panic!("{config:?}");
        };
        assert_eq!(config.policy.max_growth, Decimal::new(3, 1));
        assert_eq!(config.policy.min_coverage, Decimal::new(25, 1));
        assert_eq!(config.policy.rounding.get("CNY"), Some(&Decimal::from(100)));
        assert_eq!(
            config.lints.get(&Code::MissingBaseline),
            Some(&Level::Allow)
        );
    }

    #[test]
    fn errors_name_the_key_and_point_at_it() {
        let text = "[lints]\nmissing-baseline = \"sometimes\"\n";
        let e = parse(text).err();
        assert_eq!(
            e.as_ref().map(|e| e.message.as_str()),
            Some("`sometimes` is not a lint level")
        );
        let span = e.and_then(|e| e.span).unwrap_or_default();
        assert_eq!(&text[span], "\"sometimes\"");

        let e = parse("[lints]\nshares-sum = \"allow\"\n").err();
        assert!(e.is_some_and(|e| e.message.contains("is an error, not a lint")));

        let e = parse("[lints]\nshares-sum = \"allow\"\n").err();
        assert_eq!(
            e.and_then(|e| e.help).as_deref(),
            Some("only warnings and `over-capacity` can be set in [lints]")
        );

        let e = parse("[policy.rounding]\nCNY = 0\n").err();
        assert!(e.is_some_and(|e| e.message.contains("cannot be zero")));
        assert_eq!(MIN_ROUNDING_UNIT, Decimal::new(1, 6));
        let e = parse("[policy.rounding]\nCNY = 0.0000009\n").err();
        assert!(e.is_some_and(|e| e.message.contains("finer than 0.000001")));

        let e = parse("[policy]\nmax_grow = 1\n").err();
        assert!(e.is_some_and(|e| e.message.contains("max_grow")));
    }

    #[test]
    fn the_lints_help_names_every_lint_that_is_an_error_by_default() {
        let help = lints_help();
        for rule in crate::check::rules::RULES {
            let named = help.contains(&format!("`{}`", rule.code));
            assert_eq!(
                named,
                rule.lint && rule.level == Severity::Error,
                "{}",
                rule.code
            );
        }
        assert_eq!(lints_help_for(&[]), "only warnings can be set in [lints]");
        assert_eq!(
            lints_help_for(&[Code::OverCapacity, Code::SharesSum, Code::AmountsSum]),
            "only warnings, `over-capacity`, `shares-sum` and `amounts-sum` can be set in [lints]"
        );
    }
}
