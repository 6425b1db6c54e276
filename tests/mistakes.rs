//! The mistakes corpus: `tests/mistakes/*.plan` are plans as someone writing their first
//! plan types them, each snapshotted with its exact diagnostics; and a property test that
//! one line deleted or repeated in an example never hides a diagnostic elsewhere.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use planck::config::Config;
use planck::resolve::load::LoadOptions;
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compile `text` as the file `name` of the folder `dir` (its includes read from disk).
fn compile(dir: &Path, name: &str, text: &str, config: &Config) -> planck::Compilation {
    let options = LoadOptions {
        project_root: dir.to_path_buf(),
        base_dir: dir.to_path_buf(),
    };
    planck::compile(
        Path::new(name),
        text.as_bytes().to_vec(),
        &planck::fs::RealFs,
        &options,
        config,
        &planck::RunOptions::new(planck::alloc::Detail::ExactRepTotals),
    )
}

fn corpus() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("tests/mistakes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".plan"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_mistake_is_reported_as_snapshotted() {
    let names = corpus();
    assert!(
        names.len() >= 40,
        "only {} plans in the corpus",
        names.len()
    );
    let dir = repo().join("tests/mistakes");
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let c = compile(&dir, &name, &text, &Config::default());
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.severity == planck::diagnostic::Severity::Error),
            "{name} reports no error"
        );
        // No diagnostic twice: a mistake is reported once.
        let mut seen = std::collections::HashSet::new();
        for d in &c.diagnostics {
            assert!(
                seen.insert((d.code, d.span.start, d.message.clone())),
                "{name}: reported twice: {d:?}"
            );
        }
        let rendered = planck::emit::human::render(&c.sources, &c.diagnostics, false);
        insta::with_settings!({
            snapshot_path => "mistakes/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(
                name.trim_end_matches(".plan"),
                format!("{text}\n----- diagnostics -----\n{rendered}")
            );
        });
    }
}

// ------------------------------------------------------------- one line edited

/// The root file of each example, with its folder (includes are read from there).
const EXAMPLES: [(&str, &str); 3] = [
    ("examples", "quickstart.plan"),
    ("examples", "fiscal-year.plan"),
    ("examples/east-china", "plan.plan"),
];

/// A diagnostic as the property compares it: file, code, message and line (0-based).
type Key = (String, String, String, usize);

fn keys(c: &planck::Compilation) -> Vec<Key> {
    c.diagnostics
        .iter()
        .map(|d| {
            let file = c.sources.get(d.span.file);
            let (path, line) = file.map_or((String::new(), 0), |f| {
                let before = f.text.get(..d.span.start).unwrap_or("");
                (f.name.clone(), before.matches('\n').count())
            });
            // Progress messages carry numbers that any actual row or deal moves: they
            // are compared by code and place.
            let code = d.code.to_string();
            let message = if FROM_ALLOCATION.contains(&code.as_str()) {
                String::new()
            } else {
                d.message.clone()
            };
            (path, code, message, line)
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum Edit {
    Delete,
    Duplicate,
}

fn edit(lines: &[&str], at: usize, how: Edit) -> String {
    let mut out: Vec<&str> = Vec::with_capacity(lines.len() + 1);
    for (i, line) in lines.iter().enumerate() {
        match how {
            Edit::Delete if i == at => {}
            Edit::Duplicate if i == at => {
                out.push(line);
                out.push(line);
            }
            _ => out.push(line),
        }
    }
    out.concat()
}

/// The line ranges (0-based, first and last) of the scanner's chunks of `text`.
fn chunk_lines(text: &str) -> Vec<(usize, usize)> {
    let scan = planck::syntax::scan::scan(planck::source::FileId(0), text);
    let line_of = |offset: usize| text.get(..offset).unwrap_or("").matches('\n').count();
    scan.chunks
        .iter()
        .map(|c| (line_of(c.start), line_of(c.end.saturating_sub(1))))
        .collect()
}

/// The lines (0-based, of the edited text) of the top-level items the edit touched: the
/// item that held the line before the edit, and the scanner's chunks holding the edit
/// after it (a repeated item header starts an item of its own), with the chunk before
/// them, which a deleted item header leaves its first statements to.
fn edited_item(text: &str, edited: &str, at: usize, how: Edit) -> Vec<std::ops::Range<usize>> {
    let holding = |lines: &[(usize, usize)], line: usize| {
        lines.iter().position(|&(a, b)| a <= line && line <= b)
    };
    let mut ranges = Vec::new();
    let before = chunk_lines(text);
    if let Some(&(a, b)) = holding(&before, at).and_then(|i| before.get(i)) {
        ranges.push(match how {
            Edit::Delete => a..b,
            Edit::Duplicate => a..b + 2,
        });
    }
    let after = chunk_lines(edited);
    let last = match how {
        Edit::Delete => at,
        Edit::Duplicate => at + 1,
    };
    let first_chunk = holding(&after, at).unwrap_or(0).saturating_sub(1);
    let last_chunk = holding(&after, last)
        .or(holding(&after, at))
        .unwrap_or(after.len());
    let start = after.get(first_chunk).map_or(0, |l| l.0);
    let end = after.get(last_chunk).map_or(usize::MAX, |l| l.1 + 1);
    ranges.push(start..end);
    ranges
}

/// Where a line of the text before the edit is in the text after it, if it is still
/// there (a deleted line is not).
fn moved(line: usize, at: usize, how: Edit) -> Option<usize> {
    match how {
        Edit::Delete if line == at => None,
        Edit::Delete if line > at => Some(line - 1),
        Edit::Duplicate if line > at => Some(line + 1),
        _ => Some(line),
    }
}

/// The codes found on allocated values and the progress measured against them.
/// planck allocates nothing while an error lies outside every goal (a broken team or
/// dimension changes every goal's numbers), so an edit that makes one leaves these
/// unreported, by design: they are compared only while the same goals are allocated.
const FROM_ALLOCATION: [&str; 6] = [
    "over-capacity",
    "low-coverage",
    "behind-pace",
    "unmatched-actual",
    "unplaced-deal",
    "funnel-cannot-reach",
];

fn allocated(c: &planck::Compilation) -> usize {
    c.allocation.goals.iter().filter(|g| g.is_some()).count()
}

/// Every diagnostic of `before` outside the edited item is reported after the edit.
fn hides_nothing(dir: &Path, name: &str, text: &str, at: usize, how: Edit) -> Result<(), String> {
    let config = Config::default();
    let before_c = compile(dir, name, text, &config);
    let before = keys(&before_c);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let edited = edit(&lines, at, how);
    let after_c = compile(dir, name, &edited, &config);
    let mut after: HashMap<Key, usize> = HashMap::new();
    for key in keys(&after_c) {
        *after.entry(key).or_default() += 1;
    }
    let root = after_c
        .sources
        .get(planck::source::FileId(0))
        .map(|f| f.name.clone())
        .unwrap_or_default();
    // An edit that makes no error is a change of the plan, not a mistake: deleting
    // `as_of` rightly ends every progress check.
    let errors = |c: &planck::Compilation| {
        c.diagnostics
            .iter()
            .filter(|d| d.severity == planck::diagnostic::Severity::Error)
            .count()
    };
    if errors(&after_c) <= errors(&before_c) {
        return Ok(());
    }
    let item = edited_item(text, &edited, at, how);
    let unallocated = allocated(&after_c) < allocated(&before_c);
    for (path, code, message, line) in before {
        if unallocated && FROM_ALLOCATION.contains(&code.as_str()) {
            continue;
        }
        let line = if path == root {
            match moved(line, at, how) {
                Some(l) if !item.iter().any(|r| r.contains(&l)) => l,
                _ => continue,
            }
        } else {
            line
        };
        let key = (path, code, message, line);
        match after.get_mut(&key) {
            Some(n) if *n > 0 => *n -= 1,
            _ => {
                return Err(format!(
                    "{how:?} line {} of {name} hides {key:?}\n{edited}",
                    at + 1
                ));
            }
        }
    }
    Ok(())
}

/// A plan with diagnostics to hide: the example with one line repeated (a repeated
/// statement, member or item is reported), or as it is.
fn noisy(text: &str, line: Option<usize>) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match line {
        Some(l) => edit(&lines, l % lines.len().max(1), Edit::Duplicate),
        None => text.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn one_line_deleted_or_repeated_hides_nothing_elsewhere(
        example in 0..EXAMPLES.len(),
        first in proptest::option::of(0usize..10_000),
        at in 0usize..10_000,
        delete in any::<bool>(),
    ) {
        let (folder, name) = EXAMPLES[example];
        let dir = repo().join(folder);
        let text = noisy(&std::fs::read_to_string(dir.join(name)).unwrap(), first);
        let n_lines = text.split_inclusive('\n').count();
        let how = if delete { Edit::Delete } else { Edit::Duplicate };
        let result = hides_nothing(&dir, name, &text, at % n_lines, how);
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}

/// The library keeps what parsed around a broken line: the language server builds its
/// model from a half-typed file with the same call `check` uses.
#[test]
fn a_half_typed_goal_keeps_its_other_statements() {
    let text = "plan \"FY2026\" { period 2026  currency USD }\n\
                dimension region { east  west }\n\
                strategy growth\n\
                goal revenue \"Revenue\" {\n  owner \"Head of sales\"\n  supports growth\n  targ\n  \
                baseline 900k USD in 2025\n  split region { east 60%  west 40% }\n}\n\
                funnel sales {\n  deal_size 10k USD\n  stage lead { convert 4\n  stage won\n}\n";
    let c = compile(&repo(), "half.plan", text, &Config::default());
    let codes: Vec<String> = c.diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, ["syntax", "syntax"], "{:#?}", c.diagnostics);
    assert_eq!(
        c.diagnostics[0].message,
        "unknown statement `targ` in a goal"
    );
    // The goal is in the model with everything but its target.
    let goal = &c.model.goals[0];
    assert_eq!(goal.name, "revenue");
    assert_eq!(goal.label.as_deref(), Some("Revenue"));
    assert!(goal.target.is_none() && goal.target_invalid);
    assert_eq!(
        goal.baseline.as_ref().map(|(a, _)| a.value.to_string()),
        Some("900000".to_string())
    );
    assert_eq!(goal.supports.len(), 1);
    assert_eq!(goal.splits.len(), 1);
    // The funnel lost its unclosed stage line `stage lead { convert 4`… as a whole
    // item: the brace left open is the error.
    assert_eq!(
        c.diagnostics[1].message,
        "the block of `stage lead` is never closed"
    );
}

/// The syntax tree of a half-typed file, as an editor reads it between keystrokes: the
/// broken line is an error node of its block, the statements around it are there.
#[test]
fn a_half_typed_line_is_an_error_node_of_its_block() {
    use planck::syntax::ast::{self, Item};
    let text = "goal revenue \"Revenue\" {\n  owner \"Dana\"\n  target 1M\n  split region { east 60%  west }\n  baseline 900k USD in 2025\n}\nteam sales {\n  rep lee \"Lee\" { capacity 1 }\n  rep kim \"Kim\"\n}\n";
    let (file, diagnostics) = planck::syntax::parse(planck::source::FileId(0), text);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`target 1M` needs a unit, e.g. `1M USD`",
            "`west` has no share",
            "`capacity 1` needs a unit, e.g. `1 USD`",
        ]
    );
    let [Item::Goal(goal), Item::Team(team)] = file.items.as_slice() else {
        panic!("{:?}", file.items);
    };
    assert_eq!(goal.owner.len(), 1);
    assert_eq!(goal.baseline.len(), 1);
    assert!(goal.target.is_empty());
    let broken = &goal.broken[0];
    assert_eq!(broken.keyword, Some("target"));
    assert_eq!(&text[broken.span.start..broken.span.end], "target 1M");
    assert!(ast::lost(&goal.broken, "target"));
    assert!(!ast::lost(&goal.broken, "owner"));
    // The split keeps its good entry and records the broken one.
    let split = &goal.splits[0];
    let ast::SplitBody::Entries { entries, .. } = &split.body else {
        panic!("{:?}", split.body);
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(split.broken[0].name, "west");
    // Both reps are there; the first lost its capacity line.
    assert_eq!(team.reps.len(), 2);
    assert_eq!(team.reps[0].broken[0].keyword, Some("capacity"));
}
