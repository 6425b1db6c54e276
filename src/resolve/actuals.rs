//! Actuals, written inline or read from a CSV file: each row's period, members and
//! amount, reported with the row (and the CSV column) they were written in.

use super::load::LoadedFile;
use super::{NameKind, Resolver};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, *};
use crate::source::Span;
use crate::syntax::ast;

impl Resolver<'_> {
    pub(super) fn actuals(&mut self, a: &ast::Actuals, file: &LoadedFile) {
        let Some(&goal) = self.goals.get(a.goal.text.as_str()) else {
            self.unresolved(&a.goal, NameKind::Goal, None);
            return;
        };
        let (rows, written) = match &a.source {
            ast::ActualsSource::File(path) => (
                self.import_actuals(goal, path, a.mapping.as_deref(), file),
                Some(path.value.clone()),
            ),
            ast::ActualsSource::Inline(rows) => {
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let Some(p) = self.period(&row.period) else {
                        continue;
                    };
                    if !self.inside_plan_written(
                        p,
                        row.period.span,
                        "the actual's period",
                        Some(&row.period),
                    ) {
                        continue;
                    }
                    // A row names a few members: kept inline, not allocated per row.
                    let coords: smallvec::SmallVec<[Option<MemberRef>; 4]> =
                        row.coords.iter().map(|c| self.any_member(c)).collect();
                    let one_per_dimension = self.one_member_per_dimension(row, &coords)
                        && self.row_agrees_with_rep(row, &coords);
                    let (Some(amount), true, true) = (
                        row.amount.value,
                        coords.iter().all(Option::is_some),
                        one_per_dimension,
                    ) else {
                        continue;
                    };
                    // Exactly as many as the row names: collected from `flatten`, the list
                    // would take room for four, and the model keeps one list per row.
                    let mut members = Vec::with_capacity(coords.len());
                    members.extend(coords.into_iter().flatten());
                    out.push(ActualRow {
                        period: p,
                        coords: members,
                        amount,
                        span: row.span,
                        summed: None,
                    });
                }
                (out, None)
            }
        };
        self.model.actuals.push(model::Actuals {
            goal,
            rows,
            file: written.map(String::from),
            span: a.goal.span,
        });
    }

    /// Whether an inline actual row names at most one member of each dimension and no
    /// period besides its own. A row naming two would be counted in the cells of each,
    /// so it is reported (on the second name) and counted nowhere.
    pub(super) fn one_member_per_dimension(
        &mut self,
        row: &ast::ActualRow,
        coords: &[Option<MemberRef>],
    ) -> bool {
        let mut ok = true;
        let mut seen: smallvec::SmallVec<[(DimRef, MemberRef, &ast::NameRef); 4]> =
            smallvec::SmallVec::new();
        for (written, member) in row.coords.iter().zip(coords) {
            let Some(member) = *member else { continue };
            // The name as written, built only for a message: most rows have none.
            let as_written = || match &written.qualifier {
                Some(q) => format!("{}.{}", q.text, written.name.text),
                None => written.name.text.to_string(),
            };
            if let MemberRef::Time(..) = member {
                ok = false;
                // The period's span may end in the blank before the next name.
                let period_span = row.period.span;
                let period = self
                    .sources
                    .and_then(|s| s.get(period_span.file))
                    .and_then(|f| f.text.get(period_span.range()))
                    .map(str::trim_end);
                let period_span = period.map_or(period_span, |p| {
                    Span::new(
                        period_span.file,
                        period_span.start(),
                        period_span.start() + p.len(),
                    )
                });
                let period = period.unwrap_or("its period").to_string();
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        written.span,
                        format!(
                            "this row names a second period, `{}`, besides `{period}`",
                            as_written()
                        ),
                    )
                    .with_label("a second period")
                    .with_secondary(period_span, "the row's period")
                    .with_help("write one period per row, at its start (e.g. `2026-03`), and only members after it"),
                );
                continue;
            }
            let dim = member.dim();
            let Some(&(_, first_member, first)) = seen.iter().find(|(d, _, _)| *d == dim) else {
                seen.push((dim, member, written));
                continue;
            };
            ok = false;
            let first_written = match &first.qualifier {
                Some(q) => format!("{}.{}", q.text, first.name.text),
                None => first.name.text.to_string(),
            };
            let diagnostic = if first_member == member {
                Diagnostic::new(
                    Code::DuplicateName,
                    written.span,
                    format!("this row names `{}` twice", written.name.text),
                )
                .with_label("named again")
                .with_secondary(first.span, "first named here")
                .with_help(format!("write `{first_written}` once: a row counts once"))
            } else {
                let dim_name = match dim {
                    DimRef::User(d) => self
                        .model
                        .dimensions
                        .get(d.index())
                        .map_or_else(String::new, |x| x.name.clone()),
                    DimRef::Rep => "rep".to_string(),
                    DimRef::Time(t) => t.name().to_string(),
                };
                Diagnostic::new(
                    Code::DuplicateName,
                    written.span,
                    format!(
                        "this row names two members of `{dim_name}`: `{}` and `{}`",
                        first.name.text, written.name.text
                    ),
                )
                .with_label(format!("a second `{dim_name}` member"))
                .with_secondary(first.span, format!("the first `{dim_name}` member"))
                .with_help(format!(
                    "a row belongs to one member of each dimension: write one row per member, \
                     e.g. `… {first_written} AMOUNT` and `… {} AMOUNT`",
                    as_written()
                ))
            };
            self.push(diagnostic);
        }
        ok
    }
}
