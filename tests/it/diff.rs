//! `planck diff`: the semantic diff of two plans, for each kind of change, in every
//! format; `--git` against a real temporary repository; the documented diff driver.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use crate::common;

use planck::alloc::Detail;
use planck::diff::{self, ChangeKind, Diff, Kind, render};

/// A plan with every kind of item the diff compares.
const BASE: &str = r#"plan "FY2026" { period 2026  currency USD  as_of 2026-06-30 }

strategy grow "Grow"

dimension region "Region" { east "East"  west "West" }

team east_team "East team" {
  region east
  rep alice "Alice" { capacity 1.2M USD }
  rep bob "Bob" { capacity 1.2M USD }
}

team west_team "West team" {
  region west
  rep carol "Carol" { capacity 1.5M USD }
}

funnel direct "Direct" {
  deal_size 100k USD
  inflow 20 per month
  stage lead "Lead" { convert 40%  dwell 10d }
  stage proposal "Proposal" { convert 50%  dwell 20d }
  stage won "Won"
}

goal revenue "2026 revenue" {
  owner "VP Sales"
  target 3M USD
  baseline 2.5M USD in 2025
  supports grow
  funnel direct
  split region {
    east 60% { split rep by capacity }
    west rest { split rep even }
  }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }
}

deal acme "Acme renewal" {
  owner alice  region east
  stage proposal  amount 200k USD  close 2026-09-30
}
"#;

/// The same plan with Chinese names throughout.
const CHINESE: &str = r#"plan "FY2026 华东" { period 2026  currency CNY }

strategy 深耕大客户 "深耕大客户"

dimension 区域 "销售区域" { 华东 "华东区"  华北 "华北区" }

team 华东团队 "华东销售团队" {
  区域 华东
  rep 陈爱丽 "陈爱丽" { capacity 1.5M CNY }
  rep 王博 "王博" { capacity 1.5M CNY }
}

team 华北团队 "华北销售团队" {
  区域 华北
  rep 孙磊 "孙磊" { capacity 1.5M CNY }
}

goal 全年销售额 "2026 全年销售额" {
  owner "销售总监"
  target 3.5M CNY
  baseline 3M CNY in 2025
  supports 深耕大客户
  split 区域 {
    华东 60% { split rep by capacity }
    华北 rest { split rep even }
  }
  split half even
}
"#;

fn diff_of(old: &str, new: &str) -> Diff {
    let old = common::compile(old, Detail::Cells);
    let new = common::compile(new, Detail::Cells);
    diff::diff(
        &diff::Side {
            path: "old.plan".into(),
            compilation: Some(&old),
        },
        &diff::Side {
            path: "new.plan".into(),
            compilation: Some(&new),
        },
    )
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the plan");
    text.replacen(from, to, 1)
}

/// Snapshot the diff in all three formats.
fn snapshot(name: &str, d: &Diff) {
    insta::assert_snapshot!(format!("{name}.text"), render::text(d));
    insta::assert_snapshot!(format!("{name}.markdown"), render::markdown(d));
    insta::assert_snapshot!(
        format!("{name}.json"),
        serde_json::to_string_pretty(d).unwrap()
    );
    let errors = schema_errors(&serde_json::to_value(d).unwrap());
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}

/// Where `value` breaks the diff's JSON Schema.
fn schema_errors(value: &serde_json::Value) -> Vec<String> {
    common::schema_errors(diff::SCHEMA, value)
}

#[test]
fn the_schema_refuses_what_the_diff_never_prints() {
    let d = diff_of(BASE, &edit(BASE, "target 3M USD", "target 3.3M USD"));
    let mut value = serde_json::to_value(&d).unwrap();
    assert!(schema_errors(&value).is_empty());
    value["changes"][0]["fields"][0]["delta"] = serde_json::json!("3e5");
    let errors = schema_errors(&value);
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with("/changes/0/fields/0/delta: ")),
        "{errors:#?}"
    );
    value["changes"][0]["fields"][0]["delta"] = serde_json::json!("300000");
    value["changes"][0]["kind"] = serde_json::json!("goals");
    let errors = schema_errors(&value);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("/changes/0/kind: "), "{errors:#?}");
}

fn change<'a>(d: &'a Diff, kind: Kind, name: &str) -> &'a diff::Change {
    d.changes
        .iter()
        .find(|c| c.kind == kind && c.name == name)
        .unwrap_or_else(|| panic!("no change to {kind:?} {name}: {d:#?}"))
}

fn field<'a>(c: &'a diff::Change, name: &str) -> &'a diff::FieldChange {
    c.fields
        .iter()
        .find(|f| f.field == name)
        .unwrap_or_else(|| panic!("no field {name} in {c:#?}"))
}

#[test]
fn the_base_plan_checks_without_errors() {
    let c = common::compile(BASE, Detail::Cells);
    let (errors, _) = planck::diagnostic::summary(&c.diagnostics);
    assert_eq!(errors, 0, "{:#?}", c.diagnostics);
    let c = common::compile(CHINESE, Detail::Cells);
    assert_eq!(c.diagnostics, vec![]);
}

#[test]
fn comments_and_layout_only_are_no_semantic_change() {
    let new = format!(
        "# a new comment\n{}",
        BASE.replace("  stage proposal  amount", "  stage   proposal amount")
            .replace(
                "split quarter { Q1 20%  Q2 25%",
                "split quarter {\n    Q1 20%\n    Q2 25%"
            )
            .replace("\n\n", "\n\n\n")
    );
    let d = diff_of(BASE, &new);
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(
        render::text(&d),
        "planck diff old.plan → new.plan\nno semantic changes\n"
    );
    snapshot("no_change", &d);
}

#[test]
fn a_changed_target_moves_every_cell() {
    let d = diff_of(BASE, &edit(BASE, "target 3M USD", "target 3.3M USD"));
    assert_eq!(d.changes.len(), 1, "{d:#?}");
    let goal = change(&d, Kind::Goal, "revenue");
    let target = field(goal, "target");
    assert_eq!(target.old.as_deref(), Some("3M USD"));
    assert_eq!(target.new.as_deref(), Some("3.3M USD"));
    assert_eq!(target.delta.as_deref(), Some("300000"));
    assert_eq!(target.percent.as_deref(), Some("10"));
    // The funnel must now bring more entries: 3.3M ÷ 100k ÷ 20%.
    let entries = field(goal, "entries needed");
    assert_eq!(entries.old.as_deref(), Some("150 deals"));
    assert_eq!(entries.new.as_deref(), Some("165 deals"));
    assert!(entries.derived);
    let cells = goal.cells.as_ref().unwrap();
    assert_eq!((cells.old_cells, cells.changed), (12, 12));
    assert_eq!(cells.old_total, "3000000");
    assert_eq!(cells.new_total, "3300000");
    snapshot("target", &d);
}

#[test]
fn an_actual_row_moved_to_another_member_shows_though_the_total_stays() {
    let old = format!(
        "{BASE}\nactuals revenue {{\n  2026-Q1 west carol 700k\n  2026-Q2 east alice 300k\n}}\n"
    );
    let new = edit(&old, "2026-Q1 west carol 700k", "2026-Q1 east bob 700k");
    let d = diff_of(&old, &new);
    let goal = change(&d, Kind::Goal, "revenue");
    assert!(goal.fields.iter().all(|f| f.field != "actual"), "{goal:#?}");
    let west = field(goal, "actual region=west");
    assert_eq!(
        (west.old.as_deref(), west.new.as_deref()),
        (Some("700k USD"), None)
    );
    let east = field(goal, "actual region=east");
    assert_eq!(
        (east.old.as_deref(), east.new.as_deref()),
        (Some("300k USD"), Some("1M USD"))
    );
    let bob = field(goal, "actual rep=bob");
    assert_eq!(
        (bob.old.as_deref(), bob.new.as_deref()),
        (None, Some("700k USD"))
    );
    // The quarter did not change: no field for it.
    assert!(
        goal.fields
            .iter()
            .all(|f| !f.field.starts_with("actual in ")),
        "{goal:#?}"
    );
}

#[test]
fn a_changed_share_is_shown_with_the_cells_it_moved() {
    let d = diff_of(BASE, &edit(BASE, "east 60%", "east 70%"));
    let goal = change(&d, Kind::Goal, "revenue");
    let share = field(goal, "share region=east");
    assert_eq!(share.old.as_deref(), Some("60%"));
    assert_eq!(share.new.as_deref(), Some("70%"));
    assert_eq!(
        (share.unit.as_str(), share.delta.as_deref()),
        ("%", Some("10"))
    );
    assert_eq!(share.percent.as_deref(), Some("16.67"));
    let cells = goal.cells.as_ref().unwrap();
    let region = &cells.by_dimension[0];
    assert_eq!(region.dimension, "region");
    let east = &region.members[0];
    assert_eq!(
        (
            east.member.as_str(),
            east.cells,
            east.old.as_str(),
            east.new.as_str()
        ),
        ("east", 8, "1800000", "2100000")
    );
    let reps = cells
        .by_dimension
        .iter()
        .find(|d| d.dimension == "rep")
        .unwrap();
    let carol = reps.members.iter().find(|m| m.member == "carol").unwrap();
    assert_eq!(
        (carol.old.as_str(), carol.new.as_str()),
        ("1200000", "900000")
    );
    // The total did not move: no quarter's total moved either.
    assert_eq!(cells.old_total, cells.new_total);
    assert!(cells.by_dimension.iter().all(|d| d.dimension != "quarter"));
    snapshot("share", &d);
}

#[test]
fn a_changed_capacity_moves_the_cells_split_by_capacity() {
    let d = diff_of(
        BASE,
        &edit(
            BASE,
            "rep bob \"Bob\" { capacity 1.2M USD }",
            "rep bob \"Bob\" { capacity 2.4M USD }",
        ),
    );
    let bob = change(&d, Kind::Rep, "bob");
    let capacity = field(bob, "capacity");
    assert_eq!(capacity.delta.as_deref(), Some("1200000"));
    assert_eq!(capacity.percent.as_deref(), Some("100"));
    let goal = change(&d, Kind::Goal, "revenue");
    assert!(goal.fields.is_empty(), "{:#?}", goal.fields);
    let cells = goal.cells.as_ref().unwrap();
    let reps = &cells.by_dimension[0];
    assert_eq!(reps.dimension, "rep");
    // East's 1.8M is now shared 1:2 instead of 1:1.
    let alice = reps.members.iter().find(|m| m.member == "alice").unwrap();
    let bob = reps.members.iter().find(|m| m.member == "bob").unwrap();
    assert_eq!(
        (alice.old.as_str(), alice.new.as_str()),
        ("900000", "600000")
    );
    assert_eq!((bob.old.as_str(), bob.new.as_str()), ("900000", "1200000"));
    snapshot("capacity", &d);
}

#[test]
fn members_added_and_removed() {
    let new = edit(
        BASE,
        "dimension region \"Region\" { east \"East\"  west \"West\" }",
        "dimension region \"Region\" { east \"East\"  west \"West\"  north \"North\" }",
    );
    let d = diff_of(BASE, &new);
    let north = change(&d, Kind::Member, "region north");
    assert_eq!(north.change, ChangeKind::Added);
    assert_eq!(field(north, "label").new.as_deref(), Some("North"));
    snapshot("member_added", &d);
    let d = diff_of(&new, BASE);
    assert_eq!(
        change(&d, Kind::Member, "region north").change,
        ChangeKind::Removed
    );
    snapshot("member_removed", &d);
}

#[test]
fn a_rep_added_takes_cells_from_the_others() {
    let d = diff_of(
        BASE,
        &edit(
            BASE,
            "  rep carol \"Carol\" { capacity 1.5M USD }\n",
            "  rep carol \"Carol\" { capacity 1.5M USD }\n  rep dan \"Dan\" { capacity 1.5M USD  start 2026-07 }\n",
        ),
    );
    let dan = change(&d, Kind::Rep, "dan");
    assert_eq!(dan.change, ChangeKind::Added);
    assert_eq!(field(dan, "team").new.as_deref(), Some("west_team"));
    assert_eq!(field(dan, "start").new.as_deref(), Some("2026-07-01"));
    let cells = change(&d, Kind::Goal, "revenue").cells.as_ref().unwrap();
    assert_eq!((cells.added, cells.changed, cells.removed), (4, 4, 0));
    snapshot("rep_added", &d);
}

#[test]
fn a_changed_conversion_changes_what_the_funnel_implies() {
    let d = diff_of(BASE, &edit(BASE, "convert 40%", "convert 50%"));
    let stage = change(&d, Kind::Stage, "direct lead");
    assert_eq!(field(stage, "convert").delta.as_deref(), Some("10"));
    let funnel = change(&d, Kind::Funnel, "direct");
    let win = field(funnel, "win rate");
    assert_eq!(
        (win.old.as_deref(), win.new.as_deref()),
        (Some("20%"), Some("25%"))
    );
    assert!(win.derived);
    let goal = change(&d, Kind::Goal, "revenue");
    let entries = field(goal, "entries needed");
    assert_eq!(
        (entries.old.as_deref(), entries.new.as_deref()),
        (Some("150 deals"), Some("120 deals"))
    );
    // 20 a month for a year at 20 % (then 25 %) of 100k.
    let capacity = field(goal, "funnel capacity");
    assert_eq!(
        (capacity.old.as_deref(), capacity.new.as_deref()),
        (Some("4.8M USD"), Some("6M USD"))
    );
    // The deal sits at `proposal`, whose probability did not change.
    assert!(d.changes.iter().all(|c| c.kind != Kind::Deal));
    snapshot("funnel_conversion", &d);

    // A longer dwell lengthens the cycle.
    let d = diff_of(BASE, &edit(BASE, "dwell 10d", "dwell 15d"));
    let cycle = field(change(&d, Kind::Funnel, "direct"), "cycle");
    assert_eq!(
        (cycle.old.as_deref(), cycle.new.as_deref()),
        (Some("30 days"), Some("35 days"))
    );
    assert_eq!(
        (cycle.unit.as_str(), cycle.delta.as_deref()),
        ("days", Some("5"))
    );
}

#[test]
fn deals_added_and_changed() {
    let new = edit(BASE, "amount 200k USD", "amount 250k USD")
        + "\ndeal globex \"Globex\" {\n  owner carol  region west\n  stage lead  amount 80k USD  close 2026-11-30\n}\n";
    let d = diff_of(BASE, &new);
    let acme = change(&d, Kind::Deal, "acme");
    assert_eq!(field(acme, "amount").delta.as_deref(), Some("50000"));
    let weighted = field(acme, "weighted");
    assert_eq!(
        (weighted.old.as_deref(), weighted.new.as_deref()),
        (Some("100k USD"), Some("125k USD"))
    );
    let globex = change(&d, Kind::Deal, "globex");
    assert_eq!(globex.change, ChangeKind::Added);
    assert_eq!(field(globex, "probability").new.as_deref(), Some("20%"));
    snapshot("deals", &d);
}

#[test]
fn diagnostics_appear_and_disappear_by_code_message_and_item() {
    let broken = edit(BASE, "Q4 30%", "Q4 20%");
    let d = diff_of(BASE, &broken);
    assert_eq!(d.diagnostics.appeared.len(), 1, "{d:#?}");
    let shares = &d.diagnostics.appeared[0];
    assert_eq!(shares.code, "shares-sum");
    assert_eq!(shares.item, "goal revenue");
    assert_eq!(
        shares.message,
        "the shares of `split quarter` total 90%, not 100%"
    );
    assert_eq!((shares.line, shares.column), (36, 17));
    // With an error the goal is not allocated: its cells are not compared, and the
    // output says so.
    let cells = change(&d, Kind::Goal, "revenue").cells.as_ref().unwrap();
    assert!(!cells.compared);
    assert_eq!(d.new.errors, 1);
    snapshot("diagnostic_appeared", &d);

    // Progress is measured only on allocated goals: its warnings went with the cells.
    let codes =
        |list: &[diff::DiagnosticRef]| list.iter().map(|d| d.code.clone()).collect::<Vec<_>>();
    assert_eq!(
        codes(&d.diagnostics.disappeared),
        ["behind-pace", "low-coverage"]
    );

    let d = diff_of(&broken, BASE);
    assert_eq!(codes(&d.diagnostics.disappeared), ["shares-sum"]);
    assert_eq!(
        codes(&d.diagnostics.appeared),
        ["behind-pace", "low-coverage"]
    );
    snapshot("diagnostic_disappeared", &d);

    // The same error on another line (an item moved above it) is not a change.
    let moved = broken.replacen("strategy grow \"Grow\"\n", "", 1) + "\nstrategy grow \"Grow\"\n";
    let d = diff_of(&broken, &moved);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn chinese_names_align_by_display_width() {
    let new = edit(CHINESE, "华东 60%", "华东 70%");
    let new = edit(
        &new,
        "rep 孙磊 \"孙磊\" { capacity 1.5M CNY }",
        "rep 孙磊 \"孙磊\" { capacity 1.5M CNY }\n  rep 周婷 \"周婷\" { capacity 1.5M CNY }",
    );
    let d = diff_of(CHINESE, &new);
    let text = render::text(&d);
    // The column after the member names starts at one display column for every row.
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(" cells ")).collect();
    let starts: Vec<usize> = rows
        .iter()
        .map(|l| {
            let at = l.find(" cell").unwrap();
            unicode_width::UnicodeWidthStr::width(&l[..at])
        })
        .collect();
    assert!(
        starts.len() > 3 && starts.windows(2).all(|w| w[0] == w[1]),
        "{text}"
    );
    snapshot("chinese", &d);
}

#[test]
fn a_missing_side_makes_everything_added_or_removed() {
    let new = common::compile(CHINESE, Detail::Cells);
    let d = diff::diff(
        &diff::Side {
            path: "/dev/null".into(),
            compilation: None,
        },
        &diff::Side {
            path: "new.plan".into(),
            compilation: Some(&new),
        },
    );
    assert!(d.changes.iter().all(|c| c.change == ChangeKind::Added));
    assert_eq!(d.changes.len(), 11, "{d:#?}");
    assert!(!d.old.exists);
    let text = render::text(&d);
    assert!(
        text.contains(
            "note: the old side /dev/null does not exist: everything in the other side is added"
        ),
        "{text}"
    );
}

#[test]
fn control_characters_in_labels_are_escaped() {
    let new = edit(
        BASE,
        "strategy grow \"Grow\"",
        "strategy grow \"Grow\u{1b}[2J|<b>\"",
    );
    let d = diff_of(BASE, &new);
    let c = change(&d, Kind::Strategy, "grow");
    assert_eq!(field(c, "label").new.as_deref(), Some("Grow\u{1b}[2J|<b>"));
    let text = render::text(&d);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("Grow\\u{1b}[2J|<b>"), "{text}");
    let md = render::markdown(&d);
    assert!(md.contains("Grow\\\\u{1b}\\[2J\\|&lt;b&gt;"), "{md}");
}

// ------------------------------------------------------------------ the binary

mod cli {
    use std::path::Path;
    use std::process::Command;

    fn planck(dir: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
        cmd.current_dir(dir);
        cmd
    }

    fn run(cmd: &mut Command) -> (i32, String, String) {
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn git(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    const PLAN: &str = r#"plan "FY2026" { period 2026  currency USD  as_of 2026-06-30 }

include "org.plan"

strategy grow "Grow"

goal revenue "2026 revenue" {
  owner "VP Sales"
  target 3M USD
  baseline 2.5M USD in 2025
  supports grow
  split region {
    east 60% { split rep by capacity }
    west rest { split rep even }
  }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }
}

actuals revenue from "data/actuals.csv"
"#;

    /// The dimension and teams of the base plan, as a file of their own.
    fn org() -> String {
        let start = super::BASE.find("dimension region").unwrap();
        let end = super::BASE.find("funnel direct").unwrap();
        super::BASE[start..end].to_string()
    }

    const CSV: &str =
        "period,region,rep,amount\n2026-Q1,east,alice,300k\n2026-Q1,west,carol,200k\n";

    /// A repository with two commits: the second changes the plan, its include and its
    /// CSV file.
    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        git(d, &["config", "user.email", "planck@example.com"]);
        git(d, &["config", "user.name", "planck"]);
        write(d, "plans/sales.plan", PLAN);
        write(d, "plans/org.plan", &org());
        write(d, "plans/data/actuals.csv", CSV);
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "first"]);
        write(
            d,
            "plans/sales.plan",
            &PLAN.replace("target 3M USD", "target 3.3M USD"),
        );
        write(
            d,
            "plans/org.plan",
            &org().replace(
                "rep bob \"Bob\" { capacity 1.2M USD }",
                "rep bob \"Bob\" { capacity 1.8M USD }",
            ),
        );
        write(d, "plans/data/actuals.csv", &CSV.replace("200k", "250k"));
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "second"]);
        dir
    }

    #[test]
    fn git_diff_reads_the_plan_its_includes_and_csv_at_the_revision() {
        let repo = repository();
        let plans = repo.path().join("plans");
        let (code, out, err) = run(planck(&plans).args(["diff", "--git", "HEAD~1"]));
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.starts_with("planck diff sales.plan at HEAD~1 → sales.plan\n"),
            "{out}"
        );
        // The include changed: bob's capacity.
        assert!(
            out.contains("~ rep bob\n    capacity  1.2M USD → 1.8M USD  +600k  +50%\n"),
            "{out}"
        );
        // The plan changed: the target; the CSV changed: the actuals.
        assert!(
            out.contains(
                "    target                            3M USD   → 3.3M USD  +300k  +10%\n"
            ),
            "{out}"
        );
        // The CSV's changed row, by its period and by each member it names.
        assert!(
            out.contains(
                "    actual                            500k USD → 550k USD  +50k   +10%\n\
                 \x20   actual in 2026-01-01..2026-03-31  500k USD → 550k USD  +50k   +10%\n\
                 \x20   actual region=west                200k USD → 250k USD  +50k   +25%\n\
                 \x20   actual rep=carol                  200k USD → 250k USD  +50k   +25%\n"
            ),
            "{out}"
        );
        insta::assert_snapshot!("git_two_commits", out);

        // The working tree against the last commit: nothing changed; then an edit.
        let (code, out, _) =
            run(planck(repo.path()).args(["diff", "--git", "HEAD", "plans/sales.plan"]));
        assert_eq!(
            (code, out.as_str()),
            (
                0,
                "planck diff plans/sales.plan at HEAD → plans/sales.plan\nno semantic changes\n"
            )
        );
        write(
            repo.path(),
            "plans/data/actuals.csv",
            &CSV.replace("200k", "250k").replace("300k", "310k"),
        );
        let (code, out, _) = run(planck(repo.path()).args([
            "diff",
            "--git",
            "HEAD",
            "plans/sales.plan",
            "--format",
            "json",
        ]));
        assert_eq!(code, 0);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let actual = json["changes"][0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == "actual")
            .unwrap();
        assert_eq!(actual["old"], "550k USD");
        assert_eq!(actual["new"], "560k USD");
        assert_eq!(actual["delta"], "10000");
    }

    #[test]
    fn git_diff_of_a_plan_new_since_the_revision_adds_everything() {
        let repo = repository();
        write(
            repo.path(),
            "other.plan",
            "plan \"Other\" { period 2026  currency USD  as_of 2026-06-30 }\nstrategy grow \"Grow\"\n",
        );
        let (code, out, err) =
            run(planck(repo.path()).args(["diff", "--git", "HEAD", "other.plan"]));
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            out,
            "planck diff other.plan at HEAD → other.plan\n\
             note: the old side other.plan at HEAD does not exist: everything in the other side is added\n\
             0 items changed, 2 added, 0 removed; 0 diagnostics appeared, 0 disappeared\n\
             \n\
             + plan\n\
             \x20   name      Other\n\
             \x20   period    2026-01-01..2026-12-31\n\
             \x20   currency  USD\n\
             \x20   as_of     2026-06-30\n\
             \n\
             + strategy grow\n\
             \x20   label  Grow\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn git_diff_reads_no_link_out_of_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "outside.plan", "strategy secret \"S\"\n");
        let d = dir.path().join("repo");
        std::fs::create_dir(&d).unwrap();
        git(&d, &["init", "-q", "-b", "main"]);
        git(&d, &["config", "user.email", "planck@example.com"]);
        git(&d, &["config", "user.name", "planck"]);
        write(
            &d,
            "sales.plan",
            "plan \"P\" { period 2026  currency USD  as_of 2026-06-30 }\ninclude \"link.plan\"\n",
        );
        std::os::unix::fs::symlink("../outside.plan", d.join("link.plan")).unwrap();
        git(&d, &["add", "-A"]);
        git(&d, &["commit", "-q", "-m", "link"]);
        let (code, out, err) = run(planck(&d).args(["diff", "--git", "HEAD", "--format", "json"]));
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("secret"), "{out}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        // At the revision the link is refused as a link; in the working tree it is
        // refused as leading out of the project.
        let messages = |side: &str| -> Vec<String> {
            json["diagnostics"][side]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    format!(
                        "{}: {}",
                        d["code"].as_str().unwrap(),
                        d["message"].as_str().unwrap()
                    )
                })
                .collect()
        };
        let gone = messages("disappeared");
        assert_eq!(gone.len(), 1, "{gone:?}");
        assert!(gone[0].starts_with("include-not-found: "), "{gone:?}");
        assert!(
            gone[0].contains("not a regular file (a symbolic link at the revision)"),
            "{gone:?}"
        );
        let new = messages("appeared");
        assert_eq!(new.len(), 1, "{new:?}");
        assert!(new[0].starts_with("include-outside-root: "), "{new:?}");
    }

    #[test]
    fn git_errors_exit_2_with_a_clear_message() {
        let repo = repository();
        let (code, _, err) =
            run(planck(repo.path()).args(["diff", "--git", "no-such-rev", "plans/sales.plan"]));
        assert_eq!(code, 2);
        assert!(
            err.contains("error: --git: unknown revision `no-such-rev` in "),
            "{err}"
        );
        let (code, _, err) =
            run(planck(repo.path()).args(["diff", "--git", "--output=/tmp/x", "plans/sales.plan"]));
        assert_eq!(code, 2, "{err}");

        let plain = tempfile::tempdir().unwrap();
        write(plain.path(), "sales.plan", super::BASE);
        let (code, _, err) = run(planck(plain.path()).args(["diff", "--git", "HEAD"]));
        assert_eq!(code, 2);
        assert!(err.contains("is not inside a git repository"), "{err}");
    }

    #[test]
    fn the_same_diagnostic_in_two_folders_is_no_change() {
        // Both copies read a data file that is missing: a diagnostic of the file, not of an
        // item, and the same on both sides although the files lie in different folders.
        let dir = tempfile::tempdir().unwrap();
        let plan = format!("{}actuals revenue from \"a.csv\"\n", super::BASE);
        write(dir.path(), "d1/p.plan", &plan);
        write(dir.path(), "d2/p.plan", &plan);
        let (code, out, _) = run(planck(dir.path()).args(["diff", "d1/p.plan", "d2/p.plan"]));
        assert_eq!(
            (code, out.as_str()),
            (
                0,
                "planck diff d1/p.plan → d2/p.plan\n\
                 note: the old side has 1 error: what resolved is compared, goals with errors without their cells\n\
                 note: the new side has 1 error: what resolved is compared, goals with errors without their cells\n\
                 no semantic changes\n"
            )
        );
    }

    #[test]
    fn two_files_exit_0_with_or_without_changes_and_2_when_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "old.plan", super::BASE);
        write(
            dir.path(),
            "new.plan",
            &super::BASE.replace("target 3M USD", "target 3.3M USD"),
        );
        let (code, out, _) =
            run(planck(dir.path()).args(["diff", "old.plan", "new.plan", "--format", "markdown"]));
        assert_eq!(code, 0);
        assert!(
            out.contains("| target | 3M USD | 3.3M USD | +300k | +10% |"),
            "{out}"
        );
        let (code, out, _) = run(planck(dir.path()).args(["diff", "old.plan", "old.plan"]));
        assert_eq!(
            (code, out.as_str()),
            (0, "planck diff old.plan → old.plan\nno semantic changes\n")
        );
        let (code, out, _) =
            run(planck(dir.path()).args(["diff", "/dev/null", "new.plan", "--format", "json"]));
        assert_eq!(code, 0);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["old"]["exists"], false);
        assert!(
            json["changes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["change"] == "added")
        );

        let (code, _, err) = run(planck(dir.path()).args(["diff", "old.plan", "missing.plan"]));
        assert_eq!(code, 2);
        assert!(
            err.contains("cannot read missing.plan: no such file or folder"),
            "{err}"
        );
        let (code, _, err) = run(planck(dir.path()).args(["diff", "old.plan"]));
        assert_eq!(code, 2);
        assert!(
            err.contains("takes two plans (OLD NEW), or --git REV [PATH]"),
            "{err}"
        );
    }

    /// The shell lines of the ```sh block of docs/review.md that sets up the diff driver.
    fn documented_driver() -> Vec<String> {
        let doc =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/review.md"))
                .unwrap();
        let block = doc
            .split("```sh\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap())
            .find(|b| b.contains("diff.planck.command"))
            .unwrap();
        block.lines().map(str::to_string).collect()
    }

    #[test]
    fn the_documented_git_diff_driver_shows_plans_semantically() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        git(d, &["config", "user.email", "planck@example.com"]);
        git(d, &["config", "user.name", "planck"]);
        // The documented lines, run as written, with this build's planck on the PATH.
        let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_planck"));
        let path = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        for line in documented_driver() {
            let out = std::process::Command::new("sh")
                .current_dir(d)
                .args(["-c", &line])
                .env("HOME", d)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(out.status.success(), "{line}: {out:?}");
        }
        write(d, "sales.plan", super::BASE);
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "first"]);
        write(
            d,
            "sales.plan",
            &super::BASE.replace("east 60%", "east 70%"),
        );
        write(
            d,
            "new.plan",
            "plan \"New\" { period 2026  currency USD }\n",
        );
        git(d, &["add", "new.plan"]);
        let git_diff = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .current_dir(d)
                .args(args)
                .env("PATH", &path)
                .env("HOME", d)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout).unwrap()
        };
        let out = git_diff(&["diff", "HEAD"]);
        // git hands planck a temporary copy of the old file, and the working file.
        assert!(out.contains(" → sales.plan\n"), "{out}");
        assert!(
            out.contains("~ goal revenue\n    share region=east  60% → 70%  +10pp  +16.67%\n"),
            "{out}"
        );
        assert!(!out.contains("@@"), "a line diff: {out}");
        // The added file reaches planck as /dev/null against it.
        assert!(out.contains("planck diff /dev/null → new.plan\n"), "{out}");
        // Without the driver, git still shows lines.
        let lines = git_diff(&["diff", "--no-ext-diff", "HEAD"]);
        assert!(
            lines.contains("-    east 60% { split rep by capacity }"),
            "{lines}"
        );
    }

    #[test]
    fn the_workflow_runs_check_fmt_and_posts_the_markdown_diff() {
        let workflow = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/github-workflow.yml"),
        )
        .unwrap();
        for needle in [
            "planck check --format github",
            "planck fmt --check",
            "planck diff --git \"origin/$BASE_REF\" \"$plan\" --format markdown",
            "gh pr comment",
            "fetch-depth: 0",
        ] {
            assert!(workflow.contains(needle), "the workflow lacks `{needle}`");
        }
        // The base branch reaches the shell through the environment, never pasted into
        // the script.
        assert!(!workflow.contains("run: planck diff --git ${{"));
        // The diff the workflow posts is what `--format markdown` prints.
        let repo = repository();
        let (code, out, _) = run(planck(repo.path()).args([
            "diff",
            "--git",
            "HEAD~1",
            "plans/sales.plan",
            "--format",
            "markdown",
        ]));
        assert_eq!(code, 0);
        assert!(
            out.starts_with("### planck diff\n\nplans/sales.plan at HEAD\\~1 → plans/sales.plan\n"),
            "{out}"
        );
        assert!(
            out.contains("| capacity | 1.2M USD | 1.8M USD | +600k | +50% |"),
            "{out}"
        );
    }
}
