//! Calendar periods and the built-in time dimensions, via chrono.
//!
//! A [`Period`] is an inclusive range of days. The time dimensions `half`, `quarter`,
//! `month` and `week` cut the plan period into [`Slice`]s: halves and quarters counted
//! from the plan's first month (so a fiscal year starting in April has Q1 = Apr–Jun),
//! months named by calendar month, and ISO weeks whose Thursday lies in the period.

use crate::syntax::ast::{PeriodAtom, PeriodAtomKind, PeriodExpr};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use std::fmt;

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, other: &Period) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Number of days, counting both ends.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// The calendar months this period touches, as periods clipped to it.
    pub fn months(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut first = self.start.with_day(1).unwrap_or(self.start);
        while first <= self.end {
            let Some(next) = first.checked_add_months(Months::new(1)) else {
                break;
            };
            let last = next.pred_opt().unwrap_or(next);
            out.push(Period {
                start: first.max(self.start),
                end: last.min(self.end),
            });
            first = next;
        }
        out
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}..{}", self.start, self.end)
        }
    }
}

/// Why a written period is not a real one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub message: String,
    pub help: String,
}

fn err(message: String, help: &str) -> PeriodError {
    PeriodError {
        message,
        help: help.to_string(),
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_period(y: i32, m: u32, months: u32) -> Option<Period> {
    let start = ymd(y, m, 1)?;
    let end = start.checked_add_months(Months::new(months))?.pred_opt()?;
    Some(Period { start, end })
}

/// The days a single written period stands for.
pub fn atom(atom: &PeriodAtom) -> Result<Period, PeriodError> {
    use PeriodAtomKind::*;
    let bad = |what: &str, help: &str| err(format!("{what} does not exist"), help);
    match atom.kind {
        Year(y) => month_period(y, 1, 12).ok_or_else(|| bad(&format!("year {y}"), "")),
        Half(y, h) => match h {
            1 | 2 => month_period(y, 1 + (h - 1) * 6, 6).ok_or_else(|| bad("that half", "")),
            _ => Err(bad(
                &format!("half {}", atom.written),
                "a year has halves H1 and H2",
            )),
        },
        Quarter(y, q) => match q {
            1..=4 => month_period(y, 1 + (q - 1) * 3, 3).ok_or_else(|| bad("that quarter", "")),
            _ => Err(bad(
                &format!("quarter {}", atom.written),
                "a year has quarters Q1 to Q4",
            )),
        },
        Month(y, m) => month_period(y, m, 1)
            .ok_or_else(|| bad(&format!("month {y}-{m:02}"), "months are numbered 01 to 12")),
        Week(y, w) => match NaiveDate::from_isoywd_opt(y, w, Weekday::Mon) {
            Some(start) => Ok(Period {
                start,
                end: start + Days::new(6),
            }),
            None => Err(bad(
                &format!("ISO week {}", atom.written),
                "ISO years have weeks W01 to W52, and some have W53",
            )),
        },
        Date(y, m, d) => match ymd(y, m, d) {
            Some(date) => Ok(Period {
                start: date,
                end: date,
            }),
            // Say which part is wrong: the month, or the day in that month.
            None => match month_period(y, m, 1) {
                None => Err(err(
                    format!(
                        "the date {} does not exist: there is no month {m:02}",
                        atom.written
                    ),
                    "months are numbered 01 to 12: a date is written YEAR-MONTH-DAY, e.g. 2026-03-15",
                )),
                Some(month) => {
                    let days = month.end.day();
                    Err(err(
                        format!(
                            "the date {} does not exist: {y}-{m:02} has no day {d:02}",
                            atom.written
                        ),
                        &format!("the days of {y}-{m:02} are 01 to {days}"),
                    ))
                }
            },
        },
    }
}

/// The days a period expression (`2026-Q3`, `2026-04-01..2027-03-31`) stands for.
pub fn expr(expr: &PeriodExpr) -> Result<Period, PeriodError> {
    let start = atom(&expr.start)?;
    let Some(end_atom) = &expr.end else {
        return Ok(start);
    };
    let end = atom(end_atom)?;
    if end.end < start.start {
        return Err(err(
            format!(
                "the range ends ({}) before it starts ({})",
                end.end, start.start
            ),
            "write the earlier period first: START..END",
        ));
    }
    Ok(Period {
        start: start.start,
        end: end.end,
    })
}

/// A built-in time dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeDim {
    Half,
    Quarter,
    Month,
    Week,
}

impl TimeDim {
    pub fn from_name(name: &str) -> Option<TimeDim> {
        Some(match name {
            "half" => TimeDim::Half,
            "quarter" => TimeDim::Quarter,
            "month" => TimeDim::Month,
            "week" => TimeDim::Week,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeDim::Half => "half",
            TimeDim::Quarter => "quarter",
            TimeDim::Month => "month",
            TimeDim::Week => "week",
        }
    }

    /// Whether every slice of `self` lies inside one slice of `coarser`.
    pub fn nests_in(self, coarser: TimeDim) -> bool {
        use TimeDim::*;
        matches!(
            (self, coarser),
            (Quarter, Half) | (Month, Half) | (Month, Quarter)
        )
    }
}

/// One slice of a time dimension: `Q1`, `Mar`, `W05`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub name: String,
    pub period: Period,
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The slices of `dim` over the plan period, in time order.
pub fn slices(plan: Period, dim: TimeDim) -> Vec<Slice> {
    match dim {
        TimeDim::Half | TimeDim::Quarter => {
            let (step, prefix) = if dim == TimeDim::Half {
                (6, "H")
            } else {
                (3, "Q")
            };
            let mut out = Vec::new();
            let mut start = plan.start;
            let mut n = 1;
            while start <= plan.end {
                let Some(next) = plan.start.checked_add_months(Months::new(step * n)) else {
                    break;
                };
                let end = next.pred_opt().unwrap_or(next).min(plan.end);
                out.push(Slice {
                    name: format!("{prefix}{n}"),
                    period: Period { start, end },
                });
                start = next;
                n += 1;
            }
            out
        }
        TimeDim::Month => {
            let months = plan.months();
            let long = months.len() > 12;
            months
                .into_iter()
                .map(|p| {
                    let base = MONTH_NAMES
                        .get(p.start.month0() as usize)
                        .copied()
                        .unwrap_or("?");
                    let name = if long {
                        format!("{base}_{}", p.start.year())
                    } else {
                        base.to_string()
                    };
                    Slice { name, period: p }
                })
                .collect()
        }
        TimeDim::Week => {
            let mut out = Vec::new();
            let offset = u64::from(plan.start.weekday().num_days_from_monday());
            let mut monday = plan.start - Days::new(offset);
            loop {
                let thursday = monday + Days::new(3);
                if thursday > plan.end {
                    break;
                }
                if thursday >= plan.start {
                    let iso = thursday.iso_week();
                    out.push(Slice {
                        name: format!("W{:02}", iso.week()),
                        period: Period {
                            start: monday,
                            end: monday + Days::new(6),
                        },
                    });
                }
                monday = monday + Days::new(7);
            }
            out
        }
    }
}

/// Whether a slice belongs to a goal period: for weeks, the Thursday must lie in it;
/// for the others, the slice must overlap it.
pub fn slice_in(dim: TimeDim, slice: &Period, period: &Period) -> bool {
    match dim {
        TimeDim::Week => period.contains_date(slice.start + Days::new(3)),
        _ => slice.overlaps(period),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn p(kind: PeriodAtomKind) -> Result<Period, PeriodError> {
        atom(&PeriodAtom {
            kind,
            span: Span::default(),
            written: "".into(),
        })
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn atoms_cover_the_right_days() {
        use PeriodAtomKind::*;
        assert_eq!(
            p(Quarter(2026, 3)),
            Ok(Period {
                start: d(2026, 7, 1),
                end: d(2026, 9, 30)
            })
        );
        assert_eq!(p(Month(2024, 2)).map(|p| p.end), Ok(d(2024, 2, 29)));
        assert_eq!(p(Week(2026, 1)).map(|p| p.start), Ok(d(2025, 12, 29)));
        assert!(p(Date(2026, 2, 30)).is_err());
        assert!(p(Quarter(2026, 5)).is_err());
        assert!(p(Week(2025, 53)).is_err());
        assert!(p(Week(2026, 53)).is_ok());
    }

    #[test]
    fn fiscal_quarters_count_from_the_plan_start() {
        let fy = Period {
            start: d(2026, 4, 1),
            end: d(2027, 3, 31),
        };
        let q = slices(fy, TimeDim::Quarter);
        assert_eq!(q.len(), 4);
        assert_eq!(q[0].period.start, d(2026, 4, 1));
        assert_eq!(q[3].name, "Q4");
        assert_eq!(q[3].period.end, d(2027, 3, 31));
        let m = slices(fy, TimeDim::Month);
        assert_eq!(m[0].name, "Apr");
        assert_eq!(m[11].name, "Mar");
    }

    #[test]
    fn weeks_belong_where_their_thursday_is() {
        let y2026 = Period {
            start: d(2026, 1, 1),
            end: d(2026, 12, 31),
        };
        let w = slices(y2026, TimeDim::Week);
        // 2026-01-01 is a Thursday, so W01 is in; 2026 has 53 ISO weeks.
        assert_eq!(w.first().map(|s| s.name.as_str()), Some("W01"));
        assert_eq!(w.len(), 53);
    }
}
