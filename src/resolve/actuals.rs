//! Actuals, written inline or read from a CSV file: each row's period, members and
//! amount, reported with the row (and the CSV column) they were written in.

use super::load::LoadedFile;
use super::names::NameError;
use super::{NameKind, Resolver, csv};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, *};
use crate::period;
use crate::source::Span;
use crate::syntax::ast;

impl Resolver<'_> {
    pub(super) fn actuals(&mut self, a: &ast::Actuals, file: &LoadedFile) {
        let Some(&goal) = self.goals.get(a.goal.text.as_str()) else {
            self.unresolved(&a.goal, NameKind::Goal, None);
            return;
        };
        let (rows, written) = match &a.source {
            ast::ActualsSource::File(path) => {
                let data = file
                    .data
                    .iter()
                    .find(|(span, _)| *span == path.span)
                    .map(|(_, id)| *id);
                // A file that could not be read was reported when loading.
                let Some(data) = data else { return };
                (self.csv_actuals(data), Some(path.value.clone()))
            }
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
                    let coords: Vec<Option<MemberRef>> =
                        row.coords.iter().map(|c| self.any_member(c)).collect();
                    let one_per_dimension = self.one_member_per_dimension(row, &coords);
                    let (Some(amount), true, true) = (
                        row.amount.value,
                        coords.iter().all(Option::is_some),
                        one_per_dimension,
                    ) else {
                        continue;
                    };
                    out.push(ActualRow {
                        period: p,
                        coords: coords.into_iter().flatten().collect(),
                        amount,
                        span: row.span,
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
        let mut seen: Vec<(DimRef, MemberRef, &ast::NameRef)> = Vec::with_capacity(coords.len());
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
                    .and_then(|f| f.text.get(period_span.start..period_span.end))
                    .map(str::trim_end);
                let period_span = period.map_or(period_span, |p| {
                    Span::new(
                        period_span.file,
                        period_span.start,
                        period_span.start + p.len(),
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
            let dim = match member {
                MemberRef::User(d, _) => DimRef::User(d),
                MemberRef::Rep(_) => DimRef::Rep,
                MemberRef::Time(t, _) => DimRef::Time(t),
            };
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
                    Code::InvalidValue,
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
                    Code::InvalidValue,
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

    /// Read a CSV of actuals: a header with `period`, one column per dimension, and
    /// `amount`. Every bad field is reported with its row and column; the other rows
    /// are kept.
    pub(super) fn csv_actuals(&mut self, data: crate::source::FileId) -> Vec<ActualRow> {
        let Some(text) = self
            .sources
            .and_then(|s| s.get(data))
            .map(|f| f.text.clone())
        else {
            return Vec::new();
        };
        let (records, diagnostics) = csv::parse(data, &text);
        self.diagnostics.extend(diagnostics);
        let Some((header, rows)) = records.split_first() else {
            self.push(
                Diagnostic::new(Code::Syntax, Span::new(data, 0, 0), "the CSV file is empty")
                    .with_label("no header")
                    .with_help("start with a header: `period,region,amount`"),
            );
            return Vec::new();
        };
        #[derive(PartialEq)]
        enum Column {
            Period,
            Amount,
            Dimension(DimRef),
            Unknown,
        }
        let mut columns = Vec::with_capacity(header.fields.len());
        for field in &header.fields {
            let name = field.text.as_str();
            let column = match name.to_lowercase().as_str() {
                "period" => Column::Period,
                "amount" => Column::Amount,
                _ => {
                    let as_name = ast::Name {
                        text: name.into(),
                        span: field.span,
                    };
                    match self.dim_ref(&ast::NameRef {
                        qualifier: None,
                        name: as_name,
                        span: field.span,
                    }) {
                        Some(DimRef::Time(_)) => {
                            self.invalid(
                                field.span,
                                format!(
                                    "`{name}` is a time dimension: the `period` column says when"
                                ),
                                "remove the column; write each row's period in `period`",
                            );
                            Column::Unknown
                        }
                        Some(d) => Column::Dimension(d),
                        None => Column::Unknown,
                    }
                }
            };
            columns.push(column);
        }
        // A column read twice would count a row in two members of one dimension, or
        // keep one of two amounts: the file is not read at all.
        // Each known column's first field: few, so a list is enough.
        let mut firsts: Vec<(&Column, &csv::Field)> = Vec::new();
        let mut repeated = false;
        for (column, field) in columns.iter().zip(&header.fields) {
            if *column == Column::Unknown {
                continue;
            }
            let Some(&(_, first)) = firsts.iter().find(|(c, _)| *c == column) else {
                firsts.push((column, field));
                continue;
            };
            repeated = true;
            let name = match column {
                Column::Period => "period",
                Column::Amount => "amount",
                _ => field.text.as_str(),
            };
            self.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    field.span,
                    format!("the CSV header names the `{name}` column twice"),
                )
                .with_label("named again")
                .with_secondary(first.span, "first named here")
                .with_help("remove one of the two columns: each column may appear once"),
            );
        }
        if repeated {
            return Vec::new();
        }
        let has_period = columns.iter().any(|c| matches!(c, Column::Period));
        let has_amount = columns.iter().any(|c| matches!(c, Column::Amount));
        for (needed, present) in [("period", has_period), ("amount", has_amount)] {
            if !present {
                self.push(
                    Diagnostic::new(
                        Code::Syntax,
                        header.span,
                        format!("the CSV header has no `{needed}` column"),
                    )
                    .with_label("header")
                    .with_help("the header names `period`, one column per dimension, and `amount`, e.g. `period,region,rep,amount`"),
                );
                return Vec::new();
            }
        }
        let header_names: Vec<&str> = header.fields.iter().map(|f| f.text.as_str()).collect();
        let mut out = Vec::with_capacity(rows.len());
        for record in rows {
            let mut period = None;
            let mut amount = None;
            let mut coords = Vec::new();
            let mut ok = true;
            if record.fields.len() != columns.len() {
                self.push(
                    Diagnostic::new(
                        Code::Syntax,
                        record.span,
                        format!(
                            "row {} has {} fields but the header has {}",
                            record.line,
                            record.fields.len(),
                            columns.len()
                        ),
                    )
                    .with_label("this row")
                    .with_help(
                        "give every row one field per header column (an empty field is allowed)",
                    ),
                );
                continue;
            }
            for ((field, column), column_name) in
                record.fields.iter().zip(&columns).zip(&header_names)
            {
                let where_ = format!("row {}, column `{column_name}`", record.line);
                match column {
                    Column::Period => {
                        let parsed =
                            crate::syntax::parse_period(data, field.span.start, &field.text);
                        match parsed {
                            Some(expr) => match period::expr(&expr) {
                                Ok(p) => match self.within_plan(
                                    p,
                                    field.span,
                                    "the actual's period",
                                    Some(&expr),
                                ) {
                                    Ok(()) => period = Some(p),
                                    Err(outside) => {
                                        ok = false;
                                        self.push(in_cell(*outside, &where_));
                                    }
                                },
                                Err(e) => {
                                    ok = false;
                                    self.invalid(
                                        field.span,
                                        format!("{where_}: {}", e.message),
                                        e.help,
                                    );
                                }
                            },
                            None => {
                                ok = false;
                                self.invalid(
                                    field.span,
                                    format!("{where_}: `{}` is not a period", field.text),
                                    "write a period such as 2026-Q1, 2026-03 or 2026-03-15",
                                );
                            }
                        }
                    }
                    Column::Amount => {
                        let Some(clean) = csv::without_thousands(&field.text) else {
                            ok = false;
                            self.invalid(
                                field.span,
                                format!(
                                    "{where_}: `{}` is not an amount: `,` may only separate groups of three digits",
                                    field.text
                                ),
                                "write `,` only between thousands, e.g. 1,234,567.89, or leave it out; a decimal comma is not read: write 1.5",
                            );
                            continue;
                        };
                        match crate::syntax::parse_number(&clean) {
                            Some(v) => amount = Some(v),
                            None => {
                                ok = false;
                                self.invalid(
                                    field.span,
                                    format!("{where_}: `{}` is not an amount", field.text),
                                    "write a number such as 260000, 260k or -1500 (no unit)",
                                );
                            }
                        }
                    }
                    Column::Dimension(dim) => {
                        if field.text.is_empty() {
                            continue;
                        }
                        let member = ast::NameRef {
                            qualifier: None,
                            name: ast::Name {
                                text: field.text.as_str().into(),
                                span: field.span,
                            },
                            span: field.span,
                        };
                        match self.member_of(*dim, &member) {
                            Ok(m) => coords.push(m),
                            Err(NameError::Report(unknown)) => {
                                ok = false;
                                self.push(in_cell(*unknown, &where_));
                            }
                            Err(NameError::Explained) => ok = false,
                        }
                    }
                    Column::Unknown => {}
                }
            }
            if let (true, Some(period), Some(amount)) = (ok, period, amount) {
                out.push(ActualRow {
                    period,
                    coords,
                    amount,
                    span: record.span,
                });
            }
        }
        out
    }
}

/// A diagnostic about one CSV field, its message prefixed with the field's row and
/// column, as for every CSV problem.
fn in_cell(mut diagnostic: Diagnostic, where_: &str) -> Diagnostic {
    diagnostic.message = format!("{where_}: {}", diagnostic.message);
    diagnostic
}
