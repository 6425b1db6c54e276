//! Inlay hints: the amount each split entry receives (`east 60%` → `7.2M`), from the
//! report model's decomposition tree, whose values are the sums of the cells `planck
//! compile` prints.

use super::state::State;
use crate::model::{Split, SplitKind};
use crate::report::model::{TreeSplit, build};
use crate::source::FileId;
use crate::syntax::ast;
use lsp_types::{InlayHint, InlayHintLabel, InlayHintParams, InlayHintTooltip};
use std::collections::HashMap;

pub fn inlay_hints(state: &mut State, p: &InlayHintParams) -> Option<Vec<InlayHint>> {
    let view = state.view(&p.text_document.uri)?;
    let start = view.offset(p.range.start);
    let end = view.offset(p.range.end);
    // Where each entry's share ends, by the start of its member name.
    let mut share_ends = HashMap::new();
    if let Some(tree) = view.index().trees.get(&view.file) {
        for item in &tree.items {
            if let ast::Item::Goal(g) = item {
                ast_shares(&g.splits, &mut share_ends);
            }
        }
    }
    let report = build(view.cells(), &view.analysis.config.policy, None);
    let mut found = Vec::new();
    for (goal, out) in view.cells().model.goals.iter().zip(&report.goals) {
        if out.allocated && goal.span.file == view.file {
            let mut entries = Vec::new();
            walk(&goal.splits, &out.tree, view.file, &mut entries);
            found.extend(entries.into_iter().map(|(at, v)| (at, v, out.unit)));
        }
    }
    let mut hints = Vec::new();
    for (member_start, value, unit) in found {
        let Some(&at) = share_ends.get(&member_start) else {
            continue;
        };
        if at < start || at > end {
            continue;
        }
        let shown = crate::fmt_num::amount(value);
        hints.push(InlayHint {
            position: view.lines.position(view.text, at),
            label: InlayHintLabel::String(format!("= {shown}")),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(format!(
                "allocated to this entry: {shown} {unit}"
            ))),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    hints.sort_by_key(|h| (h.position.line, h.position.character));
    Some(hints)
}

fn ast_shares(splits: &[ast::Split], out: &mut HashMap<usize, usize>) {
    for s in splits {
        if let ast::SplitBody::Entries { entries, .. } = &s.body {
            for e in entries {
                let end = e.share.span().end();
                out.insert(e.member.span.start(), end);
                out.insert(e.member.name.span.start(), end);
                ast_shares(&e.nested, out);
            }
        }
    }
}

/// Each listed entry's member start and value, walking the model's splits and the
/// report's tree together (the tree lists entries in the order written).
fn walk(
    splits: &[Split],
    tree: &[TreeSplit],
    file: FileId,
    out: &mut Vec<(usize, rust_decimal::Decimal)>,
) {
    for (s, t) in splits.iter().zip(tree) {
        if let SplitKind::Entries { entries, .. } = &s.kind
            && entries.len() == t.entries.len()
        {
            for (e, te) in entries.iter().zip(&t.entries) {
                if e.member_span.file == file {
                    out.push((e.member_span.start(), te.value.0));
                }
                walk(&e.nested, &te.splits, file, out);
            }
        }
    }
}
