//! Values in references: amounts and their currency, periods and dates, and whether a
//! period lies inside the plan's.

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::period::{self, Period};
use crate::source::Span;
use crate::syntax::ast;
use rust_decimal::Decimal;

impl Resolver<'_> {
    /// The value of a number that must not be negative.
    pub(super) fn non_negative(&mut self, num: &ast::Num, what: &str) -> Option<Decimal> {
        let value = num.value?;
        if value.is_sign_negative() && !value.is_zero() {
            self.invalid(
                num.span,
                format!("{what} cannot be negative"),
                "only actuals may be negative (returns, corrections)",
            );
            return None;
        }
        Some(value)
    }

    /// A quantity whose unit, if a currency, must be the plan's currency.
    pub(super) fn amount(&mut self, q: &ast::Quantity, what: &str) -> Option<Amount> {
        let value = self.non_negative(&q.amount, what)?;
        if !self.check_currency(&q.unit.text, q.unit.span) {
            return None;
        }
        Some(Amount {
            value,
            unit: q.unit.text.clone(),
            span: q.span,
        })
    }

    /// Report a currency other than the plan's; false if reported.
    pub(super) fn check_currency(&mut self, unit: &str, span: Span) -> bool {
        // Compared in place: copied only for the message.
        if let Some(plan_currency) = self.model.plan.currency.as_deref()
            && is_currency(unit)
            && unit != plan_currency
        {
            let plan_currency = plan_currency.to_string();
            self.push(
                Diagnostic::new(
                    Code::UnitMismatch,
                    span,
                    format!("`{unit}` is not the plan's currency `{plan_currency}`"),
                )
                .with_label(format!("expected {plan_currency}"))
                .with_help(format!(
                    "a plan is kept in one currency: convert the amount to {plan_currency}"
                )),
            );
            return false;
        }
        true
    }

    pub(super) fn period(&mut self, expr: &ast::PeriodExpr) -> Option<Period> {
        match period::expr(expr) {
            Ok(p) => Some(p),
            Err(e) => {
                let help = if e.help.is_empty() {
                    "write a period such as 2026, 2026-Q3, 2026-03 or 2026-04-01..2027-03-31"
                        .to_string()
                } else {
                    e.help
                };
                self.invalid(expr.span, e.message, help);
                None
            }
        }
    }

    pub(super) fn date(&mut self, atom: &ast::PeriodAtom) -> Option<chrono::NaiveDate> {
        match atom.kind {
            ast::PeriodAtomKind::Date(..) => match period::atom(atom) {
                Ok(p) => Some(p.start),
                Err(e) => {
                    self.invalid(atom.span, e.message, e.help);
                    None
                }
            },
            _ => {
                self.invalid(
                    atom.span,
                    "expected a date",
                    "write a date such as 2026-06-30",
                );
                None
            }
        }
    }

    /// Report a period that lies outside the plan period.
    pub(super) fn inside_plan(&mut self, p: Period, span: Span, what: &str) -> bool {
        self.inside_plan_written(p, span, what, None)
    }

    /// As [`Self::inside_plan`], with the period as written, to explain that `2026-Q1`
    /// is a calendar quarter even in a fiscal-year plan.
    pub(super) fn inside_plan_written(
        &mut self,
        p: Period,
        span: Span,
        what: &str,
        written: Option<&ast::PeriodExpr>,
    ) -> bool {
        match self.within_plan(p, span, what, written) {
            Ok(()) => true,
            Err(outside) => {
                self.push(*outside);
                false
            }
        }
    }

    /// Whether a period lies inside the plan period; if not, the `outside-plan-period`
    /// diagnostic for the caller to report.
    pub(super) fn within_plan(
        &self,
        p: Period,
        span: Span,
        what: &str,
        written: Option<&ast::PeriodExpr>,
    ) -> Result<(), Box<Diagnostic>> {
        let Some(plan) = self.model.plan.period else {
            return Ok(());
        };
        if plan.contains(&p) {
            return Ok(());
        }
        // An ISO week belongs where its Thursday is, as for `split week`.
        if let Some(w) = written
            && w.end.is_none()
            && matches!(w.start.kind, ast::PeriodAtomKind::Week(..))
            && plan.contains_date(p.start + chrono::Days::new(3))
        {
            return Ok(());
        }
        let calendar_slice = written.is_some_and(|w| {
            w.end.is_none()
                && matches!(
                    w.start.kind,
                    ast::PeriodAtomKind::Quarter(..) | ast::PeriodAtomKind::Half(..)
                )
        });
        let fiscal = plan.start.format("%m-%d").to_string() != "01-01";
        let help = if calendar_slice && fiscal {
            let q1_end = plan
                .start
                .checked_add_months(chrono::Months::new(2))
                .unwrap_or(plan.start);
            format!(
                "`YYYY-Qn` and `YYYY-Hn` are calendar quarters and halves, but this plan's year starts {}: write a range such as `{}..{}` for its first quarter",
                plan.start,
                plan.start.format("%Y-%m"),
                q1_end.format("%Y-%m")
            )
        } else {
            format!("keep it within {plan}, or widen the plan's `period`")
        };
        Err(Box::new(
            Diagnostic::new(
                Code::OutsidePlanPeriod,
                span,
                format!("{what} ({p}) lies outside the plan period ({plan})"),
            )
            .with_label("outside the plan period")
            .with_help(help),
        ))
    }
}
