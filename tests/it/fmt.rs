//! `planck fmt`: snapshots of `tests/fmt/` fixtures and of every example, and over every
//! `.plan` file of the repository the promises the formatter makes: formatting twice
//! gives what formatting once gave, no comment is lost, and the plan means the same
//! (the same compile output, the same diagnostics). A property test does the same for
//! plans laid out at random, and the command line is tested as users run it.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{MemFs, ROOT};
use planck::config::Config;
use planck::resolve::load::LoadOptions;
use planck::source::FileId;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn format(text: &str) -> String {
    match planck::fmt::format(FileId(0), text) {
        Ok(formatted) => formatted,
        Err(diagnostics) => panic!("syntax errors: {diagnostics:#?}\n{text}"),
    }
}

/// The comments of a text, as the scanner collects them, without trailing white space.
fn comments(text: &str) -> Vec<String> {
    planck::syntax::scan::scan(FileId(0), text)
        .comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

/// What a plan means: its compile output and its diagnostics (code, severity, message),
/// compiled as `main.plan` beside `others`.
fn meaning(text: &str, others: &[(String, Vec<u8>)]) -> (String, Vec<String>) {
    let files: Vec<(&str, &[u8])> = others
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let options = LoadOptions {
        project_root: ROOT.into(),
        base_dir: ROOT.into(),
    };
    let c = planck::compile(
        Path::new("main.plan"),
        text.as_bytes().to_vec(),
        &MemFs::new(&files),
        &options,
        &Config::default(),
        &planck::RunOptions::new(planck::alloc::Detail::Cells),
    );
    let mut json = Vec::new();
    planck::emit::compile::write(&c.model, &c.allocation, &c.progress, &mut json).unwrap();
    let diagnostics = c
        .diagnostics
        .iter()
        .map(|d| format!("{} {:?} {}", d.code, d.severity, d.message))
        .collect();
    (String::from_utf8(json).unwrap(), diagnostics)
}

/// Every file under `dir` (relative paths), `.plan` files formatted when `formatted`.
fn neighbours(dir: &Path, formatted: bool) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap().display().to_string();
            let mut bytes = std::fs::read(&path).unwrap();
            if formatted && relative.ends_with(".plan") {
                let text = String::from_utf8(bytes.clone()).unwrap();
                if let Ok(f) = planck::fmt::format(FileId(0), &text) {
                    bytes = f.into_bytes();
                }
            }
            out.push((relative, bytes));
        }
    }
    out
}

/// Every `.plan` file of the repository (not under `target/` or hidden folders).
fn repository_plans() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![repo()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
            } else if name.ends_with(".plan") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The promises of the formatter, for one file: idempotent, every comment kept, the same
/// meaning (with the files around it formatted too).
fn assert_faithful(path: &Path, text: &str, formatted: &str) {
    assert_eq!(
        format(formatted),
        formatted,
        "{}: formatting twice differs",
        path.display()
    );
    assert_eq!(
        comments(formatted),
        comments(text),
        "{}: comments differ",
        path.display()
    );
    let dir = path.parent().unwrap();
    assert_eq!(
        meaning(formatted, &neighbours(dir, true)),
        meaning(text, &neighbours(dir, false)),
        "{}: the plan means something else once formatted",
        path.display()
    );
}

fn snapshot(name: &str, formatted: &str) {
    insta::with_settings!({
        snapshot_path => "../fmt/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, formatted);
    });
}

#[test]
fn every_fixture_formats_to_its_snapshot() {
    let dir = repo().join("tests/fmt");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "plan"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 6,
        "found only {} fixtures",
        fixtures.len()
    );
    for path in fixtures {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = format(&text);
        assert_ne!(
            formatted,
            text,
            "{}: a fixture must be messy",
            path.display()
        );
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        snapshot(&name, &formatted);
        assert_faithful(&path, &text, &formatted);
    }
}

#[test]
fn every_example_formats_to_its_snapshot() {
    let examples: Vec<PathBuf> = repository_plans()
        .into_iter()
        .filter(|p| p.starts_with(repo().join("examples")))
        .collect();
    assert!(
        examples.len() >= 5,
        "found only {} examples",
        examples.len()
    );
    for path in examples {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path
            .strip_prefix(repo().join("examples"))
            .unwrap()
            .with_extension("")
            .display()
            .to_string()
            .replace('/', "-");
        let formatted = format(&text);
        snapshot(&format!("example-{name}"), &formatted);
        // The bundled examples are what users copy: they are laid out as `fmt` lays
        // them out, so `planck fmt --check examples` passes.
        assert!(
            formatted == text,
            "{} is not formatted: run `planck fmt examples`",
            path.display()
        );
    }
}

#[test]
fn every_plan_in_the_repository_formats_faithfully() {
    let plans = repository_plans();
    assert!(plans.len() >= 40, "found only {} plans", plans.len());
    let mut refused = Vec::new();
    for path in &plans {
        let text = std::fs::read_to_string(path).unwrap();
        match planck::fmt::format(FileId(0), &text) {
            Ok(formatted) => assert_faithful(path, &text, &formatted),
            Err(diagnostics) => {
                // Refused only with the syntax errors `check` reports for the file.
                let (_, check) = planck::syntax::parse(FileId(0), &text);
                let codes = |ds: &[planck::diagnostic::Diagnostic]| -> Vec<String> {
                    ds.iter()
                        .filter(|d| d.code.as_str() == "syntax")
                        .map(|d| format!("{}..{} {}", d.span.start(), d.span.end(), d.message))
                        .collect()
                };
                assert_eq!(codes(&diagnostics), codes(&check), "{}", path.display());
                assert_eq!(diagnostics.len(), codes(&check).len());
                refused.push(path.strip_prefix(repo()).unwrap().display().to_string());
            }
        }
    }
    // The fixture written to show a syntax error cannot be formatted.
    assert!(
        refused.contains(&"tests/ui/syntax.plan".to_string()),
        "{refused:?}"
    );
}

#[test]
fn split_values_align_by_display_width() {
    let formatted = format("goal g {\n split r {\n 华东地区 60%\n west 30%\n n rest\n }\n}\n");
    assert_eq!(
        formatted,
        "goal g {\n  split r {\n    华东地区 60%\n    west     30%\n    n        rest\n  }\n}\n"
    );
}

#[test]
fn number_literals_and_labels_stay_as_written() {
    let text = "goal g \"  Two  spaces \\\"quoted\\\" \" { target 12M USD  baseline 1_000.50k USD in 2025 }\n\
                actuals g { 2026-01..2026-03 x 1.5万\n 2026-04 y -0.0 }\n";
    assert_eq!(
        format(text),
        "goal g \"  Two  spaces \\\"quoted\\\" \" { target 12M USD  baseline 1_000.50k USD in 2025 }\n\n\
         actuals g {\n  2026-01..2026-03 x 1.5万\n  2026-04          y -0.0\n}\n"
    );
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(format(""), "");
    assert_eq!(format("\n\n  \t\n"), "");
    assert_eq!(
        format("# only\n\n\n# comments   \n"),
        "# only\n\n# comments\n"
    );
}

#[test]
fn a_syntax_error_is_returned_not_formatted() {
    let Err(diagnostics) = planck::fmt::format(FileId(0), "goal g { target }\n") else {
        panic!("a syntax error was formatted");
    };
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code.as_str(), "syntax");
    // A member named like an item keyword in column 0 cuts the file: `check` reports it,
    // so formatting (which would indent it and so change what the file means) refuses.
    assert!(planck::fmt::format(FileId(0), "dimension d {\ngoal\n}\n").is_err());
}

// ------------------------------------------------------------------ property test

/// Valid plans in canonical form, covering every kind of statement; the property test
/// lays their tokens out at random.
const BASES: &[&str] = &[
    include_str!("../fmt/every-statement.plan"),
    include_str!("../fmt/chinese.plan"),
    include_str!("../fmt/one-line.plan"),
    include_str!("../fmt/long-split.plan"),
    include_str!("../fmt/comments.plan"),
    include_str!("../fmt/runs.plan"),
    include_str!("../../examples/fiscal-year.plan"),
    include_str!("../../examples/east-china/plan.plan"),
    include_str!("../../examples/east-china/org.plan"),
    include_str!("../../examples/east-china/pipeline.plan"),
];

/// The tokens of a canonical text: strings, comments and words, and whether each starts
/// a line in column 0 (a top-level item, its closing brace, a top-level comment).
fn tokens(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        let mut first = true;
        loop {
            let trimmed = rest.trim_start();
            let column0 = first && trimmed.len() == line.len();
            first = false;
            if trimmed.is_empty() {
                break;
            }
            let len = if trimmed.starts_with('#') {
                trimmed.len()
            } else if let Some(body) = trimmed.strip_prefix('"') {
                let mut escaped = false;
                let end = body
                    .char_indices()
                    .find(|&(_, c)| {
                        let close = c == '"' && !escaped;
                        escaped = c == '\\' && !escaped;
                        close
                    })
                    .map_or(body.len(), |(i, _)| i);
                end + 2
            } else {
                trimmed
                    .find(|c: char| c.is_whitespace() || c == '"')
                    .unwrap_or(trimmed.len())
            };
            let (token, after) = trimmed.split_at(len);
            out.push((token.to_string(), column0));
            rest = after;
        }
    }
    out
}

const COMMENTS: &[&str] = &["# c", "# 注释 { \"x\" }", "#", "#   spaced  "];

/// What goes between two tokens: `kind` picks white space, a line break with
/// indentation, a blank line, a comma or a comment.
fn separator(kind: u8, comment: usize, before_column0: bool, after_comment: bool) -> String {
    let comment = COMMENTS[comment % COMMENTS.len()];
    if before_column0 {
        return match kind % 3 {
            0 => "\n".to_string(),
            1 => "\n\n\n".to_string(),
            _ => format!("\n{comment}\n"),
        };
    }
    let indent = ["\t", " ", "      "][usize::from(kind) % 3];
    if after_comment {
        return format!("\n{indent}");
    }
    match kind % 8 {
        0 => " ".to_string(),
        1 => "   ".to_string(),
        2 => "\t".to_string(),
        3 => ", ".to_string(),
        4 => format!("\n{indent}"),
        5 => format!("\n\n{indent}"),
        6 => format!("\r\n \r\n{indent}"),
        _ => format!(" {comment}\n{indent}"),
    }
}

fn scramble(base: &str, choices: &[(u8, usize)]) -> String {
    let tokens = tokens(base);
    let mut out = String::new();
    for (i, (token, column0)) in tokens.iter().enumerate() {
        if i > 0 {
            let (kind, comment) = choices[i % choices.len()];
            let after_comment = tokens[i - 1].0.starts_with('#');
            out.push_str(&separator(kind, comment, *column0, after_comment));
        }
        out.push_str(token);
    }
    out.push('\n');
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn formatting_a_plan_laid_out_at_random_keeps_its_meaning(
        base in 0..BASES.len(),
        choices in proptest::collection::vec((any::<u8>(), any::<usize>()), 1..64),
    ) {
        let text = scramble(&format(BASES[base]), &choices);
        let formatted = format(&text);
        prop_assert_eq!(&format(&formatted), &formatted);
        prop_assert_eq!(comments(&formatted), comments(&text));
        prop_assert_eq!(meaning(&formatted, &[]), meaning(&text, &[]));
        prop_assert_eq!(meaning(&text, &[]), meaning(BASES[base], &[]));
    }
}

// ------------------------------------------------------------------ command line

fn planck(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

const MESSY: &str = "goal g {\n\ttarget 1M USD   # one\n}\n";
const TIDY: &str = "goal g {\n  target 1M USD # one\n}\n";

#[test]
fn check_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.plan"), MESSY).unwrap();
    std::fs::write(dir.path().join("b.plan"), TIDY).unwrap();
    let out = planck(dir.path())
        .args(["fmt", "--check", "a.plan", "b.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "--- a.plan\n+++ a.plan\n@@ -1,3 +1,3 @@\n goal g {\n-\\ttarget 1M USD   # one\n+  target 1M USD # one\n }\n\
         1 of 2 files would be reformatted\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.plan")).unwrap(),
        MESSY
    );

    let out = planck(dir.path())
        .args(["fmt", "--check", "b.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn stdout_prints_and_dash_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.plan"), MESSY).unwrap();
    let out = planck(dir.path())
        .args(["fmt", "--stdout", "a.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), TIDY);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.plan")).unwrap(),
        MESSY
    );

    let out = common::output_with_stdin(planck(dir.path()).args(["fmt", "-"]), MESSY.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), TIDY);

    let out = common::output_with_stdin(
        planck(dir.path()).args(["fmt", "--check", "-"]),
        TIDY.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_folder_formats_every_plan_file_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    std::fs::write(
        root.join("main.plan"),
        format!("plan {{ period 2026 }}\n{MESSY}"),
    )
    .unwrap();
    std::fs::write(root.join("sub/deeper/included.plan"), MESSY).unwrap();
    std::fs::write(root.join("sub/tidy.plan"), TIDY).unwrap();
    std::fs::write(root.join("sub/notes.txt"), MESSY).unwrap();
    std::fs::write(root.join(".hidden/x.plan"), MESSY).unwrap();
    let out = planck(root).args(["fmt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "formatted main.plan\nformatted sub/deeper/included.plan\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("main.plan")).unwrap(),
        format!("plan {{ period 2026 }}\n\n{TIDY}")
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sub/deeper/included.plan")).unwrap(),
        TIDY
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sub/notes.txt")).unwrap(),
        MESSY
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".hidden/x.plan")).unwrap(),
        MESSY
    );
    assert_eq!(
        std::fs::read_dir(root.join("sub/deeper")).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn a_file_with_a_syntax_error_is_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "goal g {\n\ttarget\n}\r\n  # odd\n";
    std::fs::write(dir.path().join("bad.plan"), broken).unwrap();
    std::fs::write(dir.path().join("good.plan"), MESSY).unwrap();
    let out = planck(dir.path())
        .args(["fmt", "bad.plan", "good.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("syntax\n"), "{stderr}");
    assert!(stderr.contains("bad.plan:2:8"), "{stderr}");
    assert!(
        stderr.ends_with("error: bad.plan has syntax errors; it was left as it is\n"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("bad.plan")).unwrap(),
        broken.as_bytes()
    );
    // The other file is still formatted.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("good.plan")).unwrap(),
        TIDY
    );
}

#[test]
fn an_unchanged_file_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.plan");
    std::fs::write(&path, TIDY).unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let out = planck(dir.path()).args(["fmt", "a.plan"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
}

#[cfg(unix)]
#[test]
fn a_rewritten_file_keeps_its_permissions_and_links_stay_inside() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.plan");
    std::fs::write(&path, MESSY).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = planck(dir.path()).args(["fmt", "a.plan"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TIDY);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);

    // A link to a plan elsewhere is not written through, named or found in a folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("victim.plan");
    std::fs::write(&target, MESSY).unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::os::unix::fs::symlink(&target, project.join("link.plan")).unwrap();
    let out = planck(&project)
        .args(["fmt", "link.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: link.plan is a symbolic link to a file outside its folder; planck fmt does not write through it\n"
    );
    std::fs::write(project.join("own.plan"), MESSY).unwrap();
    // A link to a file inside the folder is followed; that file is formatted once.
    std::fs::create_dir(project.join("sub")).unwrap();
    std::os::unix::fs::symlink(project.join("own.plan"), project.join("sub/again.plan")).unwrap();
    let out = planck(&project).args(["fmt", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), MESSY);
    assert_eq!(
        std::fs::read_to_string(project.join("own.plan")).unwrap(),
        TIDY
    );
    assert!(
        std::fs::symlink_metadata(project.join("sub/again.plan"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("warning: skipped ./link.plan: a symbolic link to a file outside"),
        "{stderr}"
    );
}

#[test]
fn control_characters_from_the_plan_are_escaped_in_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.plan"), "strategy s  \"\u{1b}[31mred\"\n").unwrap();
    let out = planck(dir.path())
        .args(["fmt", "--check", "a.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "--- a.plan\n+++ a.plan\n@@ -1 +1 @@\n-strategy s  \"\\u{1b}[31mred\"\n+strategy s \"\\u{1b}[31mred\"\n\
         1 of 1 file would be reformatted\n"
    );
}

#[test]
fn what_cannot_be_formatted_is_said_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = b"strategy s \"caf\xe9\"\n";
    std::fs::write(dir.path().join("latin1.plan"), latin1).unwrap();
    let out = planck(dir.path())
        .args(["fmt", "latin1.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: latin1.plan is not valid UTF-8; it was left as it is\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("latin1.plan")).unwrap(),
        latin1
    );

    // Arguments that cannot both be obeyed, and a folder with nothing to format.
    let out = planck(dir.path())
        .args(["fmt", "--check", "--stdout", "latin1.plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = planck(dir.path()).args(["fmt", "empty"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no .plan file in empty\n"
    );
}

#[test]
fn the_pre_commit_hooks_run_as_pre_commit_runs_them() {
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let ids: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .collect();
    assert_eq!(ids, ["planck-check", "planck-fmt"]);
    let entries: Vec<Vec<&str>> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .map(|e| e.split_whitespace().collect())
        .collect();
    assert_eq!(
        entries,
        [vec!["planck", "check"], vec!["planck", "fmt", "--check"]]
    );

    // A repository with one plan, in planck's layout: `planck-check` runs without file
    // names, `planck-fmt` with the staged ones.
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(repo().join("examples/quickstart.plan")).unwrap();
    std::fs::write(dir.path().join("sales.plan"), &plan).unwrap();
    let out = planck(dir.path()).args(&entries[0][1..]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = planck(dir.path())
        .args(&entries[1][1..])
        .arg("sales.plan")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    std::fs::write(dir.path().join("sales.plan"), plan.replace("\n  ", "\n\t")).unwrap();
    let out = planck(dir.path())
        .args(&entries[1][1..])
        .arg("sales.plan")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn blocks_nested_too_deep_are_refused_before_the_grammar_sees_them() {
    let depth = 60;
    let mut text = String::from("goal g {\n");
    for i in 0..depth {
        text.push_str(&format!("split d{i} {{ m 100% {{\n"));
    }
    text.push_str(&"} }\n".repeat(depth));
    text.push_str("}\n");
    let Err(diagnostics) = planck::fmt::format(FileId(0), &text) else {
        panic!("nesting {depth} deep was formatted");
    };
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].message,
        "blocks are nested more than 48 levels deep"
    );
    // Nesting just within the limit is formatted, one level per line.
    let mut text = String::from("goal g {\n");
    for i in 0..23 {
        text.push_str(&format!("split d{i} {{ m 100% {{\n"));
    }
    text.push_str(&"} }\n".repeat(23));
    text.push_str("}\n");
    let formatted = format(&text);
    // The goal's two lines, and per level a split and an entry opening and closing,
    // except the innermost entry, whose block is empty: `m 100% {}`.
    assert_eq!(formatted.lines().count(), 2 + 4 * 23 - 1);
    assert_eq!(format(&formatted), formatted);
}
