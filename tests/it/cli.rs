//! End-to-end tests of the `planck` binary: exit codes, formats, config, init.

use std::path::Path;
use std::process::Command;

fn planck() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

const CLEAN: &str = "plan \"p\" { period 2026  currency CNY }\nstrategy s \"s\"\ngoal g \"目标\" {\n  owner \"me\"\n  target 1M CNY\n  baseline 900k CNY in 2025\n  supports s\n}\n";

/// The build compiles one major version of `syn`, the parser of procedural macros: a
/// second one is about a tenth of a cold build (see ARCHITECTURE.md, Decisions).
#[test]
fn the_build_compiles_one_syn() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--offline", "--locked", "-e", "normal,build,dev"])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()
        .unwrap();
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let syns: std::collections::BTreeSet<&str> = tree
        .lines()
        .filter_map(|line| line.strip_prefix("syn v"))
        .map(|rest| rest.split(['.', ' ']).next().unwrap())
        .collect();
    assert_eq!(syns.len(), 1, "majors of syn: {syns:?}");
    assert!(tree.contains("pest_generator v2.8"), "{tree}");
}

#[test]
fn every_example_checks_clean() {
    let (code, out, err) = stdout(planck().args(["check", "examples"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("checked 6 plans (8 files): no problems"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "colour on a pipe: {out}");
}

#[test]
fn errors_exit_1_and_name_the_code() {
    let (code, out, _) = stdout(planck().args(["check", "tests/ui/shares-sum.plan"]));
    assert_eq!(code, 1);
    assert!(out.contains("shares-sum"), "{out}");
    assert!(out.contains("shares-sum.plan:13:16"), "{out}");
    assert!(out.contains("1 error, 0 warnings"), "{out}");
}

#[test]
fn unreadable_paths_and_bad_arguments_exit_2() {
    let (code, _, err) = stdout(planck().args(["check", "no/such/file.plan"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read no/such/file.plan"), "{err}");

    let (code, _, err) = stdout(planck().args(["check", "--as-of", "2026-13-01", "examples"]));
    assert_eq!(code, 2);
    assert!(err.contains("is not a date"), "{err}");

    let (code, _, _) = stdout(planck().args(["check", "--format", "xml", "examples"]));
    assert_eq!(code, 2);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "notes.plan", "goal g { target 1 x }\n");
    let (code, _, err) = stdout(planck().arg("check").arg(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("no root .plan file"), "{err}");
}

#[test]
fn warnings_pass_unless_denied() {
    let path = "tests/ui/missing-owner.plan";
    let (code, out, _) = stdout(planck().args(["check", path]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors, 1 warning"), "{out}");
    let (code, _, _) = stdout(planck().args(["check", "--deny-warnings", path]));
    assert_eq!(code, 1);
}

#[test]
fn json_format_is_the_fixed_object() {
    let (code, out, _) = stdout(planck().args([
        "check",
        "--format",
        "json",
        "tests/ui/shares-sum.plan",
        "tests/ui/missing-owner.plan",
    ]));
    assert_eq!(code, 1);
    let value: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["errors"], 1);
    assert_eq!(value["summary"]["warnings"], 1);
    let first = &value["diagnostics"][0];
    assert_eq!(first["code"], "shares-sum");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "tests/ui/shares-sum.plan");
    assert_eq!(first["line"], 13);
    assert_eq!(first["column"], 16);
    assert_eq!(first["end_line"], 13);
    assert!(first["help"].as_str().is_some_and(|h| h.contains("add 5%")));
}

#[test]
fn github_format_is_workflow_commands() {
    let (code, out, _) =
        stdout(planck().args(["check", "--format", "github", "tests/ui/shares-sum.plan"]));
    assert_eq!(code, 1);
    let line = out.lines().next().unwrap();
    assert!(
        line.starts_with(
            "::error file=tests/ui/shares-sum.plan,line=13,col=16,endLine=13,endColumn="
        ),
        "{line}"
    );
    assert!(
        line.contains(",title=shares-sum::the shares of `split region` total 95%"),
        "{line}"
    );
    assert!(line.contains("%0Ahelp: "), "{line}");
}

#[test]
fn config_is_found_upward_and_applied() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "plans/sales.plan",
        &CLEAN.replace("  owner \"me\"\n", ""),
    );
    let plan = dir.path().join("plans/sales.plan");
    let (code, out, _) = stdout(planck().arg("check").arg(&plan));
    assert_eq!(code, 0);
    assert!(out.contains("missing-owner"), "{out}");

    write(
        dir.path(),
        "planck.toml",
        "[lints]\nmissing-owner = \"allow\"\n",
    );
    let (code, out, _) = stdout(planck().arg("check").arg(&plan));
    assert_eq!(code, 0);
    assert!(out.contains("no problems"), "{out}");

    write(
        dir.path(),
        "planck.toml",
        "[lints]\nmissing-owner = \"deny\"\n",
    );
    let (code, _, _) = stdout(planck().arg("check").arg(&plan));
    assert_eq!(code, 1);

    write(dir.path(), "planck.toml", "[policy]\nmax_growth = \"5%\"\n");
    let (_, out, _) = stdout(planck().arg("check").arg(&plan));
    assert!(out.contains("growth-exceeds-policy"), "{out}");
}

#[test]
fn bad_config_names_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "sales.plan", CLEAN);
    write(
        dir.path(),
        "planck.toml",
        "[policy]\nmax_growth = \"50%\"\n\n[lints]\nmissing-ownr = \"allow\"\n",
    );
    let (code, _, err) = stdout(planck().arg("check").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown code `missing-ownr`"), "{err}");
    assert!(err.contains("planck.toml:5:1"), "{err}");
    assert!(err.contains("did you mean `missing-owner`?"), "{err}");
}

#[test]
fn odd_files_get_diagnostics_not_panics() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "empty.plan", "");
    let (code, out, err) = stdout(planck().arg("check").arg(dir.path().join("empty.plan")));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("missing-period"), "{out}");

    std::fs::write(
        dir.path().join("bad.plan"),
        b"plan { period 2026 }\n# \xff\xfe\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = stdout(planck().arg("check").arg(dir.path().join("bad.plan")));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("not valid UTF-8"), "{out}");
    assert!(out.contains("bad.plan:2:3"), "{out}");
}

#[test]
fn includes_resolve_relative_to_the_including_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "main.plan",
        "plan { period 2026 currency CNY }\ninclude \"org/teams.plan\"\n",
    );
    write(
        dir.path(),
        "org/teams.plan",
        "include \"dims.plan\"\nteam t { region east  rep a { capacity 1M CNY } }\n",
    );
    write(dir.path(), "org/dims.plan", "dimension region { east }\n");
    let (code, out, _) = stdout(planck().arg("check").arg(dir.path().join("main.plan")));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(3 files)"), "{out}");
}

#[test]
fn explain_prints_every_section() {
    let (code, out, _) = stdout(planck().args(["explain", "shares-sum"]));
    assert_eq!(code, 0);
    for section in ["What it finds", "Why it matters", "Example", "Fix"] {
        assert!(out.contains(section), "{out}");
    }
    let (code, _, err) = stdout(planck().args(["explain", "shares-sun"]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `shares-sum`?"), "{err}");
    let (code, out, _) = stdout(planck().arg("explain"));
    assert_eq!(code, 0);
    assert!(out.contains("behind-pace"), "{out}");
}

#[test]
fn init_writes_a_clean_plan_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = dir.path().join("new");
    let (code, out, _) = stdout(planck().arg("init").arg(&target));
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = stdout(planck().arg("check").arg(&target));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no problems"), "{out}");

    write(&target, "sales.plan", "# mine\n");
    let (code, _, err) = stdout(planck().arg("init").arg(&target));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let kept = std::fs::read_to_string(target.join("sales.plan")).unwrap();
    assert_eq!(kept, "# mine\n");
}

#[test]
fn crlf_and_bom_files_read_like_lf_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lf = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/shares-sum.plan"),
    )
    .unwrap();
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    write(dir.path(), "crlf.plan", &crlf);
    let (code, out, _) = stdout(
        planck()
            .args(["check", "--format", "json"])
            .arg(dir.path().join("crlf.plan")),
    );
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &value["diagnostics"][0];
    assert_eq!(
        (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["end_column"].as_u64()
        ),
        (Some(13), Some(16), Some(50))
    );
}

#[test]
fn sarif_format_counts_utf16_columns() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The treble clef is one character but two UTF-16 code units.
    write(
        dir.path(),
        "s.plan",
        "plan { period 2026 }\ngoal g \"𝄞\" { target CNY }\n",
    );
    let path = dir.path().join("s.plan");
    let (code, out, _) = stdout(planck().args(["check", "--format", "sarif"]).arg(&path));
    assert_eq!(code, 1);
    let sarif: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(sarif["version"], "2.1.0");
    // The goal's other statements are still checked: take the syntax error.
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "syntax")
        .unwrap();
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 22);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(rules, planck::diagnostic::Code::ALL.len());

    let (_, out, _) = stdout(planck().args(["check", "--format", "json"]).arg(&path));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let syntax = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "syntax")
        .unwrap();
    assert_eq!(syntax["column"], 21, "JSON counts characters");
}

#[test]
fn as_of_on_the_command_line_overrides_the_plan() {
    let path = "tests/ui/stale-deal.plan";
    let (code, out, _) = stdout(planck().args(["check", path]));
    assert_eq!(code, 0);
    assert!(out.contains("stale-deal"), "{out}");
    let (code, out, _) = stdout(planck().args(["check", "--as-of", "2026-05-01", path]));
    assert_eq!(code, 0);
    assert!(out.contains("no problems"), "{out}");
}

#[test]
fn an_included_file_with_a_member_named_plan_is_not_a_root() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.plan",
        "plan \"p\" { period 2026  currency CNY }\ninclude \"tiers.plan\"\n",
    );
    write(
        dir.path(),
        "tiers.plan",
        "dimension tier \"客户分层\" {\n  plan \"计划客户\"\n  pro\n}\n",
    );
    let (code, out, err) = stdout(planck().arg("check").arg(dir.path()));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("checked 1 plan (2 files): no problems"),
        "{out}"
    );
    assert!(!out.contains("missing-period"), "{out}");
}
