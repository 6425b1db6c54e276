//! `planck compile` end to end: snapshots of every example's output, validation against
//! `planck schema`, determinism, atomic `-o`, and refusal on errors.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn planck() -> Command {
    let mut cmd = Command::cargo_bin("planck").unwrap_or_else(|e| panic!("{e}"));
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
            snapshot_path => "compile/snapshots",
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
    assert!(err.contains("holds 3 root plans"), "{err}");
    let (code, out, _) = run(&["compile", "examples/east-china"]);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
}

// ------------------------------------------------------------------ schema

/// A validator for the part of JSON Schema that `planck schema` uses: type, const,
/// required, properties, additionalProperties, items, anyOf, $ref and pattern (the two
/// patterns the schema has, checked by parsing).
fn validate(schema: &Value, root: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, value, at, errors);
    }
    if let Some(any) = schema["anyOf"].as_array() {
        let ok = any.iter().any(|s| {
            let mut e = Vec::new();
            validate(s, root, value, at, &mut e);
            e.is_empty()
        });
        if !ok {
            errors.push(format!("{at}: matches no alternative"));
        }
        return;
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        errors.push(format!("{at}: expected {c}"));
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let integer = value.is_i64() || value.is_u64();
        let allowed = types.contains(&actual) || (integer && types.contains(&"integer"));
        if !allowed {
            errors.push(format!("{at}: {actual} is not {types:?}"));
            return;
        }
    }
    if let (Some(pattern), Some(s)) = (schema["pattern"].as_str(), value.as_str()) {
        let ok = if pattern.contains("[0-9]{4}") {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        } else {
            s.parse::<rust_decimal::Decimal>()
                .is_ok_and(|d| d.normalize().to_string() == s)
        };
        if !ok {
            errors.push(format!("{at}: `{s}` does not match {pattern}"));
        }
    }
    if let Value::Object(map) = value {
        for req in schema["required"].as_array().into_iter().flatten() {
            if let Some(k) = req.as_str()
                && !map.contains_key(k)
            {
                errors.push(format!("{at}: missing `{k}`"));
            }
        }
        for (k, v) in map {
            let path = format!("{at}.{k}");
            match schema["properties"].get(k) {
                Some(s) => validate(s, root, v, &path, errors),
                None => match &schema["additionalProperties"] {
                    Value::Bool(false) => errors.push(format!("{path}: not allowed")),
                    s @ Value::Object(_) => validate(s, root, v, &path, errors),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            validate(s, root, v, &format!("{at}[{i}]"), errors);
        }
    }
}

#[test]
fn every_example_validates_against_the_schema() {
    let (code, schema, _) = run(&["schema"]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_slice(&schema).unwrap_or_else(|e| panic!("{e}"));
    for path in EXAMPLES {
        let value = compiled(path);
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "$", &mut errors);
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
    // The validator itself rejects what the schema forbids.
    let mut broken = compiled(EXAMPLES[0]);
    broken["goals"][0]["allocations"][0]["value"] = Value::String("1.50".into());
    broken["plan"]["extra"] = Value::Bool(true);
    let mut errors = Vec::new();
    validate(&schema, &schema, &broken, "$", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:#?}");
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
