//! Hover: what planck computes about the name under the cursor, read from the report
//! model (`report::model::build`), which takes its numbers from `planck compile`'s own
//! output types — nothing is computed again here but a goal's growth over its baseline,
//! by the formula of the `growth-exceeds-policy` rule.

use super::index::{Kind, Symbol};
use super::state::State;
use crate::emit::compile::Dec;
use crate::fmt_num::{amount, percent};
use crate::report::model::{GoalReport, Report, TreeSplit, build};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use rust_decimal::Decimal;

pub fn hover(state: &mut State, p: &HoverParams) -> Option<Hover> {
    let at = &p.text_document_position_params;
    let view = state.view(&at.text_document.uri)?;
    let o = view.index().at(view.file, view.offset(at.position))?;
    let symbol = view.index().symbols.get(o.symbol)?;
    let report = build(view.cells(), &view.analysis.config.policy, None);
    let text = describe(&report, symbol)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(view.range(o.span)),
    })
}

fn money(d: &Dec, unit: &str) -> String {
    if unit.is_empty() {
        amount(d.0)
    } else {
        format!("{} {unit}", amount(d.0))
    }
}

fn title(kind: &str, name: &str, label: Option<&str>) -> String {
    match label {
        Some(l) if l != name => format!("**{kind}** `{name}` — {l}"),
        _ => format!("**{kind}** `{name}`"),
    }
}

/// The hover text of a symbol, if planck knows anything of it.
pub fn describe(report: &Report<'_>, symbol: &Symbol) -> Option<String> {
    let model = report.model;
    let lines = match symbol.kind {
        Kind::Goal => goal(report.goals.iter().find(|g| g.name == symbol.name)?),
        Kind::Member => member(report, symbol),
        Kind::Rep | Kind::Team => person(report, symbol),
        Kind::Funnel => funnel(report, &symbol.name)?,
        Kind::Stage => stage(report, symbol)?,
        Kind::Deal => {
            let d = report
                .pipeline
                .deals
                .iter()
                .find(|d| d.name == symbol.name)?;
            let unit = d.unit.unwrap_or("");
            let mut lines = vec![title("deal", d.name, d.label)];
            if let Some(a) = &d.amount {
                lines.push(format!("- amount: {}", money(a, unit)));
            }
            if let (Some(f), Some(s)) = (d.funnel, d.stage) {
                lines.push(format!("- stage: `{s}` of funnel `{f}`"));
            }
            if let Some(g) = d.grade {
                lines.push(format!("- grade: `{g}`"));
            }
            lines.push(match &d.probability {
                Some(p) => format!("- probability: {}", percent(p.0)),
                None => "- probability: unknown".to_string(),
            });
            if let Some(w) = &d.weighted {
                lines.push(format!("- weighted value: {}", money(w, unit)));
            }
            if let Some(c) = &d.close {
                lines.push(format!(
                    "- close: {c}{}",
                    if d.open { "" } else { " (closed)" }
                ));
            }
            lines
        }
        Kind::Grade => {
            let g = model.grades.iter().find(|g| g.name == symbol.name)?;
            let mut lines = vec![title("grade", &g.name, g.label.as_deref())];
            if let Some(p) = g.probability {
                lines.push(format!("- probability: {}", percent(p)));
            }
            lines
        }
        Kind::Strategy => {
            let s = model.strategies.iter().find(|s| s.name == symbol.name)?;
            let goals: Vec<String> = model
                .goals
                .iter()
                .filter(|g| {
                    g.supports.iter().any(|id| {
                        model
                            .strategies
                            .get(id.index())
                            .is_some_and(|x| x.name == s.name)
                    })
                })
                .map(|g| format!("`{}`", g.name))
                .collect();
            vec![
                title("strategy", &s.name, s.label.as_deref()),
                format!(
                    "- supported by: {}",
                    if goals.is_empty() {
                        "no goal".to_string()
                    } else {
                        goals.join(", ")
                    }
                ),
            ]
        }
        Kind::Dimension => {
            let d = model.dimensions.iter().find(|d| d.name == symbol.name)?;
            let members: Vec<String> = d.members.iter().map(|m| format!("`{}`", m.name)).collect();
            vec![
                title("dimension", &d.name, d.label.as_deref()),
                format!("- members: {}", members.join(", ")),
            ]
        }
    };
    Some(lines.join("\n"))
}

fn goal(g: &GoalReport<'_>) -> Vec<String> {
    let unit = g.unit;
    let mut lines = vec![title("goal", g.name, g.label)];
    lines.push(format!("- target: {}", money(&g.total.target, unit)));
    if let Some(b) = &g.baseline {
        let growth = g
            .total
            .target
            .0
            .checked_div(b.0)
            .filter(|_| !b.0.is_zero())
            .map(|r| r - Decimal::ONE);
        match growth {
            Some(gr) => {
                let sign = if gr.is_sign_negative() { "" } else { "+" };
                lines.push(format!(
                    "- baseline: {} (growth {sign}{})",
                    money(b, unit),
                    percent(gr.round_dp(4))
                ));
            }
            None => lines.push(format!("- baseline: {}", money(b, unit))),
        }
    }
    if let Some(p) = &g.period {
        lines.push(format!("- period: {}..{}", p.0.start, p.0.end));
    }
    let smart: Vec<String> = g
        .smart
        .iter()
        .map(|l| {
            if l.passed {
                format!("{} ✓", l.letter)
            } else {
                format!("{} ✗ ({})", l.letter, l.codes.join(", "))
            }
        })
        .collect();
    lines.push(format!("- SMART: {}", smart.join(" · ")));
    if !g.allocated {
        lines.push(
            "- allocation: none (an error in the goal or in what its numbers depend on)"
                .to_string(),
        );
    } else {
        for s in &g.tree {
            lines.push(format!("- allocation: {}", split_summary(s, unit)));
        }
        if !g.reps.is_empty() {
            lines.push(format!("- reps: {}", g.reps.len()));
        }
    }
    if let Some(f) = &g.funnel
        && let Some(e) = &f.entries_needed
    {
        lines.push(format!(
            "- funnel `{}`: {} entries needed",
            f.name,
            amount(e.0)
        ));
    }
    if let Some(p) = &g.total.progress {
        let mut parts = Vec::new();
        if let Some(a) = &p.actual {
            parts.push(format!("actual {}", money(a, unit)));
        }
        if let Some(e) = &p.expected_to_date {
            parts.push(format!("expected to date {}", money(e, unit)));
        }
        if let Some(a) = &p.attainment {
            parts.push(format!("attainment {}", percent(a.0.round_dp(4))));
        }
        if let Some(f) = &p.forecast {
            parts.push(format!("forecast {}", money(f, unit)));
        }
        if let Some(s) = g.total.status {
            parts.push(s.text().to_string());
        }
        if !parts.is_empty() {
            lines.push(format!("- progress: {}", parts.join(", ")));
        }
    }
    lines
}

fn split_summary(s: &TreeSplit, unit: &str) -> String {
    let entries: Vec<String> = s
        .entries
        .iter()
        .map(|e| format!("{} {}", e.name, money(&e.value, unit)))
        .collect();
    if entries.is_empty() {
        format!("`split {}` {}", s.dimension, s.how)
    } else {
        format!("`split {}`: {}", s.dimension, entries.join(", "))
    }
}

fn member(report: &Report<'_>, symbol: &Symbol) -> Vec<String> {
    let model = report.model;
    let label = model
        .dimensions
        .iter()
        .find(|d| d.name == symbol.scope)
        .and_then(|d| d.members.iter().find(|m| m.name == symbol.name))
        .and_then(|m| m.label.as_deref());
    let mut lines = vec![title(
        &format!("member of `{}`", symbol.scope),
        &symbol.name,
        label,
    )];
    for g in &report.goals {
        for r in &g.rollups {
            if r.by.len() != 1 || r.by.first() != Some(&symbol.scope) {
                continue;
            }
            if let Some(row) = r.rows.iter().find(|row| {
                row.members.first().and_then(|m| m.name.as_deref()) == Some(symbol.name.as_str())
            }) {
                lines.push(format!(
                    "- `{}`: {}",
                    g.name,
                    money(&row.figures.target, g.unit)
                ));
            }
        }
    }
    lines
}

fn person(report: &Report<'_>, symbol: &Symbol) -> Vec<String> {
    let model = report.model;
    let mut lines = Vec::new();
    if symbol.kind == Kind::Team {
        let t = model.teams.iter().find(|t| t.name == symbol.name);
        lines.push(title(
            "team",
            &symbol.name,
            t.and_then(|t| t.label.as_deref()),
        ));
    } else {
        let r = model.reps.iter().find(|r| r.name == symbol.name);
        lines.push(title(
            "rep",
            &symbol.name,
            r.and_then(|r| r.label.as_deref()),
        ));
        if let Some(team) = r.and_then(|r| model.teams.get(r.team.index())) {
            lines.push(format!("- team: `{}`", team.name));
        }
        if let Some(c) = r.and_then(|r| r.capacity.as_ref()) {
            lines.push(format!(
                "- capacity: {} {} over the plan period",
                amount(c.value),
                c.unit
            ));
        }
    }
    for g in &report.goals {
        for r in &g.reps {
            let matches = if symbol.kind == Kind::Team {
                r.team.as_deref() == Some(symbol.name.as_str())
            } else {
                r.name == symbol.name
            };
            if !matches {
                continue;
            }
            let mut line = format!("- `{}`", g.name);
            if symbol.kind == Kind::Team {
                line.push_str(&format!(" · `{}`", r.name));
            }
            line.push_str(&format!(": {}", money(&r.quota, g.unit)));
            if let Some(c) = &r.capacity {
                line.push_str(&format!(" of capacity {}", money(c, g.unit)));
            }
            if let Some(u) = &r.utilisation {
                line.push_str(&format!(" ({} utilised)", percent(u.0.round_dp(4))));
            }
            lines.push(line);
        }
    }
    lines
}

fn funnel(report: &Report<'_>, name: &str) -> Option<Vec<String>> {
    let f = report.funnels.iter().find(|f| f.funnel.name == name)?;
    let out = &f.funnel;
    let mut lines = vec![title("funnel", out.name, out.label)];
    if let Some(w) = &out.win_rate {
        lines.push(format!("- win rate: {}", percent(w.0.round_dp(4))));
    }
    if let Some(c) = out.cycle_days {
        lines.push(format!("- cycle: {c} days"));
    }
    if let Some(d) = &out.deal_size {
        lines.push(format!("- deal size: {}", money(&d.value, d.unit)));
    }
    for s in &out.stages {
        if let Some(p) = &s.probability {
            lines.push(format!(
                "- `{}`: {} to win",
                s.name,
                percent(p.0.round_dp(4))
            ));
        }
    }
    for g in &report.goals {
        if let Some(gf) = &g.funnel
            && gf.name == name
            && let Some(e) = &gf.entries_needed
        {
            lines.push(format!("- goal `{}` needs {} entries", g.name, amount(e.0)));
        }
    }
    Some(lines)
}

fn stage(report: &Report<'_>, symbol: &Symbol) -> Option<Vec<String>> {
    let f = report
        .funnels
        .iter()
        .find(|f| f.funnel.name == symbol.scope)?;
    let i = f.funnel.stages.iter().position(|s| s.name == symbol.name)?;
    let s = f.funnel.stages.get(i)?;
    let mut lines = vec![title(
        &format!("stage of `{}`", symbol.scope),
        s.name,
        s.label,
    )];
    if let Some(c) = &s.convert {
        lines.push(format!("- converts: {}", percent(c.0)));
    }
    if let Some(d) = &s.dwell_days {
        lines.push(format!("- dwell: {} days", d.0.normalize()));
    }
    if let Some(p) = &s.probability {
        lines.push(format!(
            "- probability to win: {}",
            percent(p.0.round_dp(4))
        ));
    }
    if let Some(Some(r)) = f.reach.get(i) {
        lines.push(format!(
            "- entries reaching it: {}",
            percent(r.0.round_dp(4))
        ));
    }
    if let Some(w) = &f.funnel.win_rate {
        lines.push(format!("- funnel win rate: {}", percent(w.0.round_dp(4))));
    }
    if let Some(c) = f.funnel.cycle_days {
        lines.push(format!("- funnel cycle: {c} days"));
    }
    Some(lines)
}
