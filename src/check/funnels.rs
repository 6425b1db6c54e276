//! The shape of funnels: a funnel ends at its terminal (won) stage.

use crate::diagnostic::{Code, Diagnostic};
use crate::fmt_num::percent;
use crate::model::Model;
use crate::resolve::load::LoadedFile;
use crate::syntax::ast;

/// A funnel whose last written stage repeats an earlier one: the repetition is reported
/// as a duplicate and dropped, so the funnel ends at the stage before it. When that stage
/// converts, the funnel has no terminal stage; say so where it now ends. A `convert`
/// written on the last stage itself is reported when the funnel is resolved.
pub(super) fn no_terminal_stage(model: &Model, files: &[LoadedFile], out: &mut Vec<Diagnostic>) {
    for item in files.iter().flat_map(|f| &f.ast.items) {
        let ast::Item::Funnel(written) = item else {
            continue;
        };
        let Some((repeated, before)) = written.stages.split_last() else {
            continue;
        };
        if !before.iter().any(|s| s.name.text == repeated.name.text) {
            continue;
        }
        // Only the funnel defined here: a duplicate funnel was reported and dropped.
        let Some(funnel) = model.funnels.iter().find(|f| f.span == written.name.span) else {
            continue;
        };
        let Some(last) = funnel.stages.last() else {
            continue;
        };
        let Some(convert) = last.convert else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::InvalidValue,
                last.span,
                format!(
                    "funnel `{}` has no terminal stage: it ends at `{}`, which converts {}",
                    funnel.name,
                    last.name,
                    percent(convert)
                ),
            )
            .with_label("converts, but ends the funnel")
            .with_secondary(repeated.name.span, "the last stage repeats an earlier one")
            .with_help(format!(
                "the last stage of a funnel is its won stage, without `convert`: rename the repeated `{}`, or remove it and the `convert` of `{}`",
                repeated.name.text, last.name
            )),
        );
    }
}
