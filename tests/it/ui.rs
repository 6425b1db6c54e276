//! UI tests: each `tests/ui/<code>.plan` is checked and snapshotted as its source
//! followed by the rendered diagnostics, so a review sees input and output together.
//! Every fixture must also produce the code it is named after (`CODE.plan`, or
//! `CODE--CASE.plan` for more cases of one code).

use planck::config::Config;
use planck::diagnostic::Code;
use planck::resolve::load::LoadOptions;
use std::path::{Path, PathBuf};

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

fn compile(name: &str) -> planck::Compilation {
    let dir = ui_dir();
    let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
    let options = LoadOptions {
        project_root: dir.clone(),
        base_dir: dir,
    };
    planck::compile(
        Path::new(name),
        bytes,
        &planck::fs::RealFs,
        &options,
        &Config::default(),
        &planck::RunOptions::new(planck::alloc::Detail::ExactRepTotals),
    )
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ui_dir())
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".plan"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_fixture_reports_its_code() {
    let names = fixtures();
    assert!(names.len() >= 20, "found only {} UI fixtures", names.len());
    for name in names {
        // `CODE.plan`, or `CODE--CASE.plan` for one more case of a code (the root
        // causes of syntax errors).
        let stem = name.trim_end_matches(".plan");
        let code_name = stem.split_once("--").map_or(stem, |(code, _)| code);
        let code = Code::from_name(code_name)
            .unwrap_or_else(|| panic!("{name} is not named after a diagnostic code"));
        let c = compile(&name);
        assert!(
            c.diagnostics.iter().any(|d| d.code == code),
            "{name} does not report {code}: {:#?}",
            c.diagnostics
        );
        let source = c
            .sources
            .get(planck::source::FileId(0))
            .map(|f| f.text.to_string())
            .unwrap_or_default();
        let rendered = planck::emit::human::render(&c.sources, &c.diagnostics, false);
        insta::with_settings!({
            snapshot_path => "../ui/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, format!("{source}\n----- diagnostics -----\n{rendered}"));
        });
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let names = fixtures();
    for rule in planck::check::rules::RULES {
        let code = rule.code;
        assert!(
            names.contains(&format!("{code}.plan")),
            "no tests/ui/{code}.plan"
        );
    }
}

#[test]
fn json_format_of_a_fixture() {
    let c = compile("shares-sum.plan");
    let json = planck::emit::json::render(&c.sources, &c.diagnostics);
    insta::with_settings!({
        snapshot_path => "../ui/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("shares-sum.json", json);
    });
}

#[test]
fn json_columns_count_characters() {
    let c = compile("invalid-value.plan");
    let value: serde_json::Value =
        serde_json::from_str(&planck::emit::json::render(&c.sources, &c.diagnostics))
            .unwrap_or_default();
    let negative = value["diagnostics"]
        .as_array()
        .and_then(|ds| {
            ds.iter()
                .find(|d| d["message"] == "a target cannot be negative")
        })
        .cloned()
        .unwrap_or_default();
    // `  target -12M CNY`: the number starts at character 10 of its line.
    assert_eq!(negative["column"], 10);
    assert_eq!(negative["end_column"], 14);
    assert_eq!(
        value["summary"]["errors"].as_u64().map(|n| n >= 3),
        Some(true)
    );
}

#[test]
fn help_lines_wrap_between_words_and_never_inside_a_date() {
    let c = compile("missing-period.plan");
    let whole = "2026-04-01..2027-03-31`";
    for width in 40..=100 {
        let rendered = planck::emit::human::render_width(&c.sources, &c.diagnostics, false, width);
        let help: String = rendered
            .lines()
            .skip_while(|l| !l.contains("help:"))
            .map(|l| l.trim_start_matches([' ', '│']).trim_end())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(help.contains(whole), "width {width}:\n{rendered}");
        assert!(
            !help.lines().any(|l| l.ends_with('-')),
            "width {width}: a line ends at a hyphen:\n{rendered}"
        );
    }
}
