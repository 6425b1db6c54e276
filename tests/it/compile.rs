//! `planck compile` end to end: snapshots of every example's output, validation against
//! `planck schema`, determinism, atomic `-o`, and refusal on errors.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

use crate::common;

fn planck() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let mut cmd = planck();
    cmd.args(args);
    // Without an `as_of` of its own a plan is measured as of today: pin it.
    if args.iter().any(|a| a.ends_with("quickstart.plan")) {
        cmd.args(["--as-of", "2026-06-30"]);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EXAMPLES: &[&str] = &[
    "examples/quickstart.plan",
    "examples/east-china/plan.plan",
    "examples/fiscal-year.plan",
];

fn compiled(path: &str) -> Value {
    let (code, out, err) = run(&["compile", path]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Re-indent compact JSON without reordering keys (a `Value` would sort them), so the
/// snapshot shows the output exactly as written, two spaces per level.
fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    for c in compact.trim_end().chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                depth += 1;
                out.push(c);
                newline(&mut out, depth);
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                let trimmed = out.trim_end().len();
                if out[..trimmed].ends_with(['{', '[']) {
                    out.truncate(trimmed); // `[]`, `{}`
                } else {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[test]
fn every_example_compiles_to_its_snapshot() {
    for path in EXAMPLES {
        let name = path
            .trim_start_matches("examples/")
            .trim_end_matches(".plan")
            .replace('/', "-");
        let (code, raw, err) = run(&["compile", path]);
        assert_eq!(code, 0, "{err}");
        let pretty = indent(&String::from_utf8_lossy(&raw));
        insta::with_settings!({
            snapshot_path => "../compile/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, pretty);
        });
    }
}

#[test]
fn every_example_sums_exactly() {
    use rust_decimal::Decimal;
    for path in EXAMPLES {
        let value = compiled(path);
        let goals = value["goals"].as_array().unwrap();
        assert!(!goals.is_empty(), "{path} has no goals");
        for goal in goals {
            let target: Decimal = goal["target"].as_str().unwrap().parse().unwrap();
            let cells = goal["allocations"].as_array().unwrap();
            assert!(
                !cells.is_empty(),
                "{path}: goal {} has no cells",
                goal["name"]
            );
            let sum: Decimal = cells
                .iter()
                .map(|c| c["value"].as_str().unwrap().parse::<Decimal>().unwrap())
                .sum();
            assert_eq!(sum, target, "{path}: goal {}", goal["name"]);
        }
    }
}

#[test]
fn output_is_deterministic_and_o_writes_the_same_bytes() {
    let (_, first, _) = run(&["compile", "examples/east-china/plan.plan"]);
    let (_, second, _) = run(&["compile", "examples/east-china/plan.plan"]);
    assert_eq!(first, second);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = dir.path().join("out.json");
    std::fs::write(&target, "old").unwrap_or_else(|e| panic!("{e}"));
    let out = planck()
        .args(["compile", "examples/east-china/plan.plan", "-o"])
        .arg(&target)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&target).unwrap(), first);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn errors_refuse_to_compile_and_leave_the_output_alone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = dir.path().join("out.json");
    std::fs::write(&target, "previous").unwrap_or_else(|e| panic!("{e}"));
    let out = planck()
        .args(["compile", "tests/ui/shares-sum.plan", "-o"])
        .arg(&target)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shares-sum"), "{err}");
    assert!(err.contains("nothing was compiled"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
}

#[test]
fn a_folder_with_several_roots_must_name_one() {
    let (code, _, err) = run(&["compile", "examples"]);
    assert_eq!(code, 2);
    assert!(err.contains("holds 6 root plans"), "{err}");
    let (code, out, _) = run(&["compile", "examples/east-china"]);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
}

// ------------------------------------------------------------------ schema

/// Every way `value` breaks the compile output's JSON Schema (draft 2020-12), by
/// instance location.
fn schema_errors(value: &Value) -> Vec<String> {
    common::schema_errors(planck::emit::compile::SCHEMA, value)
}

#[test]
fn every_example_validates_against_the_schema() {
    // `planck schema` prints the schema the tests validate with.
    let (code, printed, _) = run(&["schema"]);
    assert_eq!(code, 0);
    let printed: Value = serde_json::from_slice(&printed).unwrap();
    let schema: Value = serde_json::from_str(planck::emit::compile::SCHEMA).unwrap();
    assert_eq!(printed, schema);
    for path in EXAMPLES {
        let errors = schema_errors(&compiled(path));
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
    // The validator rejects what the schema forbids: a decimal with a trailing zero (a
    // `pattern`), a date that is not ISO, a field the schema does not name.
    let mut broken = compiled(EXAMPLES[0]);
    broken["goals"][0]["allocations"][0]["value"] = Value::String("1.50".into());
    broken["plan"]["as_of"] = Value::String("30.06.2026".into());
    broken["plan"]["extra"] = Value::Bool(true);
    let errors = schema_errors(&broken);
    let mut locations: Vec<&str> = errors.iter().filter_map(|e| e.split(':').next()).collect();
    locations.sort_unstable();
    locations.dedup();
    assert_eq!(
        locations,
        ["/goals/0/allocations/0/value", "/plan", "/plan/as_of"],
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.contains("pattern")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("'extra'")), "{errors:#?}");
}

#[test]
fn json_docs_example_is_real_output() {
    // docs/json.md shows the quickstart's output, pretty-printed, with all but the first
    // two cells of each goal cut: every other field must be as planck writes it.
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md"))
        .unwrap();
    let example = doc
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .unwrap();
    let documented: Value = serde_json::from_str(example).unwrap();
    assert!(
        doc.contains("The output of `planck compile examples/quickstart.plan --as-of 2026-06-30`"),
        "docs/json.md no longer says which command its example is the output of"
    );
    let mut real = compiled("examples/quickstart.plan");
    for goal in real["goals"].as_array_mut().unwrap() {
        let cells = goal["allocations"].as_array_mut().unwrap();
        assert!(cells.len() > 2);
        cells.truncate(2);
    }
    assert_eq!(documented, real, "docs/json.md is out of date");
}
