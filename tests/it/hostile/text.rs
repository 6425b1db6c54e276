//! Hostile input: text — control characters in terminal output, and work that stays linear.

use super::common;
use planck::alloc::Detail;
use planck::config::Config;
use planck::emit;
use std::time::Duration;

const PLAN: &str = "plan \"华东 FY2026\" {\n  period 2026\n  currency CNY\n}\n";

/// A plan with reps whose goal reads `data/actuals.csv`.
fn reps_plan() -> String {
    format!(
        "{PLAN}team 华东团队 {{\n  rep alice \"张伟\" {{ capacity 12M CNY }}\n  rep bob {{ capacity 12M CNY }}\n}}\n\
         strategy grow\n\
         goal revenue \"收入\" {{\n  owner \"销售总监\"\n  target 24M CNY\n  baseline 20M CNY in 2025\n  supports grow\n  split rep by capacity\n}}\n\
         actuals revenue from \"data/actuals.csv\"\n"
    )
}

fn with_csv(csv: &str) -> planck::Compilation {
    common::compile_files(
        reps_plan(),
        &[("data/actuals.csv", csv.as_bytes())],
        &Config::default(),
        Detail::Cells,
    )
}

fn human(c: &planck::Compilation) -> String {
    emit::human::render(&c.sources, &c.diagnostics, false)
}

fn codes(c: &planck::Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The CPU time this thread has used. A machine busy with other work slows the wall
/// clock, not this.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Fail unless `f` uses less than `limit` of CPU time; the linear versions take a small
/// fraction of it, the quadratic ones many times it.
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let start = thread_cpu_time();
    let value = f();
    let took = thread_cpu_time().saturating_sub(start);
    assert!(
        took < limit,
        "{what} took {took:?} of CPU time, more than {limit:?}"
    );
    value
}

#[test]
fn terminal_escapes_in_csv_fields_are_shown_escaped() {
    let csv = "period,rep,amount\n2026-01,\x1b[2J\x1b]0;title\x07\x1b[8m张,100\n";
    let c = with_csv(csv);
    assert_eq!(codes(&c), ["unresolved-name"]);
    let out = human(&c);
    assert!(
        !out.chars().any(|ch| ch.is_control() && ch != '\n'),
        "raw control character in:\n{out}"
    );
    // In the message and in the snippet line.
    assert!(
        out.contains("no rep named `\\u{1b}[2J\\u{1b}]0;title\\u{7}\\u{1b}[8m"),
        "{out}"
    );
    assert!(
        out.contains("2026-01,\\u{1b}[2J\\u{1b}]0;title\\u{7}\\u{1b}[8m张,100"),
        "{out}"
    );
    // The caret still sits under the whole field, counted after escaping.
    let snippet = out
        .lines()
        .find(|l| l.contains("2026-01,"))
        .unwrap()
        .to_string();
    let underline = out.lines().find(|l| l.contains('┬')).unwrap().to_string();
    let field_col = snippet.find("\\u{1b}[2J").unwrap();
    let caret_col = underline.find('─').unwrap();
    assert_eq!(
        snippet[..field_col].chars().count(),
        underline[..caret_col].chars().count()
    );
}

#[test]
fn control_characters_in_labels_and_help_are_escaped() {
    // A plan string with an escape sequence, on the line of a diagnostic.
    let text = format!("{PLAN}goal g \"\x1b[2J收入\r\" {{\n  owner \"x\"\n}}\n");
    let c = common::compile(text, Detail::Cells);
    // The grammar refuses control characters in strings; the snippet shows them. The
    // goal is kept without its label, and checked.
    assert_eq!(
        codes(&c),
        [
            "missing-target",
            "missing-label",
            "missing-baseline",
            "orphan-goal",
            "syntax"
        ]
    );
    let out = human(&c);
    assert!(
        !out.chars().any(|ch| ch.is_control() && ch != '\n'),
        "raw control character in:\n{out}"
    );
    assert!(out.contains("goal g \"\\u{1b}[2J收入\\r\" {"), "{out}");
}

#[test]
fn tabs_and_crlf_in_snippets_stay_readable() {
    let text = format!("{PLAN}goal g\t\"收入\" {{\r\n  owner \"x\"\r\n}}\r\n");
    let c = common::compile(text, Detail::Cells);
    let out = human(&c);
    assert!(!out.contains('\r') && !out.contains('\t'), "{out}");
    assert!(!out.contains("\\r") && !out.contains("\\t"), "{out}");
    // The tab reaches the next multiple of 4 columns.
    assert!(out.contains(" 5 │ goal g  \"收入\" {\n"), "{out}");
}

#[test]
fn file_names_with_control_characters_are_escaped() {
    let text = format!("{PLAN}include \"x\x1b[8m.plan\"\n");
    let c = common::compile_files(
        text,
        &[("x\x1b[8m.plan", b"goal g {\n  owner \"x\"\n}\n")],
        &Config::default(),
        Detail::Cells,
    );
    assert!(codes(&c).contains(&"missing-target"), "{:?}", codes(&c));
    let out = human(&c);
    assert!(
        !out.chars().any(|ch| ch.is_control() && ch != '\n'),
        "raw control character in:\n{out}"
    );
    assert!(out.contains("x\\u{1b}[8m.plan:"), "{out}");
}

#[test]
fn github_annotations_cannot_be_broken_by_user_text() {
    let csv = "period,rep,amount\n2026-01,\"a%0A\r\n::error file=x::forged\x1b[2J\",100\n";
    let c = with_csv(csv);
    assert_eq!(codes(&c), ["unresolved-name"]);
    let out = emit::github::render(&c.sources, &c.diagnostics);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("::error file=data/actuals.csv,line=2,"),
        "{out}"
    );
    assert!(
        !out.chars().any(|ch| ch.is_control() && ch != '\n'),
        "{out}"
    );
    assert!(
        out.contains("no rep named `a%250A\\r\\n::error file=x::forged\\u{1b}[2J`"),
        "{out}"
    );
}

/// `count` rows naming months after the plan period.
fn out_of_period_csv(count: usize) -> String {
    let mut csv = String::from("period,rep,amount\n");
    for i in 0..count {
        csv.push_str(&format!("2027-{:02},alice,{}\n", i % 12 + 1, 100 + i));
    }
    csv
}

#[test]
fn many_diagnostics_in_one_file_render_in_linear_time() {
    let c = with_csv(&out_of_period_csv(8000));
    assert_eq!(c.diagnostics.len(), 8000);
    let out = within(Duration::from_secs(3), "rendering 8000 diagnostics", || {
        human(&c)
    });
    // Every diagnostic is still in the report.
    for row in [2, 500, 8001] {
        assert!(
            out.contains(&format!("row {row}, column 1 (`period`)")),
            "row {row}"
        );
    }
}

#[test]
fn repeated_diagnostics_are_drawn_in_full_a_limited_number_of_times() {
    let c = with_csv(&out_of_period_csv(150));
    let out = human(&c);
    assert_eq!(out.matches("outside-plan-period\n").count(), 100, "{out}");
    // The rest are one line each, with position, code and message.
    assert!(out.contains(
        "data/actuals.csv:151:1: error[outside-plan-period]: data/actuals.csv row 151, column 1 (`period`): the actual's period (2027-06-01..2027-06-30) lies outside the plan period (2026-01-01..2026-12-31)"
    ), "{out}");
    assert!(out.contains(
        "note: 50 more `outside-plan-period` diagnostics are shown in one line each; `--format json` has every detail"
    ), "{out}");
}

#[test]
fn many_goals_without_target_are_checked_in_linear_time() {
    let mut text = String::from(PLAN);
    for g in 0..20_000 {
        text.push_str(&format!("goal g{g} \"目标\" {{\n  owner \"x\"\n}}\n"));
    }
    // Parsing is linear; the time limit is for the check of which goals to allocate.
    let c = within(Duration::from_secs(10), "checking 20,000 goals", || {
        common::compile(text, Detail::RepTotals)
    });
    let missing = codes(&c)
        .iter()
        .filter(|&&code| code == "missing-target")
        .count();
    assert_eq!(missing, 20_000);
}

#[test]
fn a_long_misspelt_name_is_answered_quickly() {
    let name = "a".repeat(20_000);
    let typo = format!("{}b", &name[1..]);
    let text = format!(
        "{PLAN}dimension region {{\n  {name}\n  east\n}}\ngoal g {{\n  target 1M CNY\n  split region {{\n    {typo} 50%\n    east rest\n  }}\n}}\n"
    );
    let c = within(Duration::from_secs(5), "a 20,000-character name", || {
        common::compile(text, Detail::Cells)
    });
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "unresolved-name")
        .unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("define the member of `region` or correct the name")
    );
}

#[test]
fn many_unknown_members_of_a_large_dimension_are_answered_quickly() {
    let n = 3000;
    let mut text = format!("{PLAN}dimension account {{\n");
    for i in 0..n {
        text.push_str(&format!("  acct{i:06}\n"));
    }
    text.push_str("}\ngoal revenue {\n  target 1M CNY\n  split account even\n}\n");
    text.push_str("actuals revenue from \"data/actuals.csv\"\n");
    let mut csv = String::from("period,account,amount\n");
    for i in 0..n {
        // Each one a swap of neighbours away from a member.
        csv.push_str(&format!("2026-01,cact{i:06},100\n"));
    }
    let c = within(Duration::from_secs(5), "3000 unknown members", || {
        common::compile_files(
            text,
            &[("data/actuals.csv", csv.as_bytes())],
            &Config::default(),
            Detail::Cells,
        )
    });
    let unresolved: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "unresolved-name")
        .collect();
    assert_eq!(unresolved.len(), n);
    // Suggestions keep their quality: a swap of neighbours is one edit.
    assert_eq!(
        unresolved[11].message,
        "data/actuals.csv row 13, column 2 (`account`): no member of `account` named `cact000011`"
    );
    assert_eq!(
        unresolved[11].help.as_deref(),
        Some("did you mean `acct000011`?")
    );
}

#[test]
fn the_same_unknown_name_many_times_is_answered_quickly() {
    let mut csv = String::from("period,rep,amount\n");
    for _ in 0..20_000 {
        csv.push_str("2026-01,alcie,100\n");
    }
    let c = within(Duration::from_secs(10), "20,000 rows", || with_csv(&csv));
    assert_eq!(c.diagnostics.len(), 20_000);
    assert!(
        c.diagnostics
            .iter()
            .all(|d| d.help.as_deref() == Some("did you mean `alice`?"))
    );
}

/// Items that each leave a block open: counted item by item the nesting stays shallow, but
/// read on from one item into the next the grammar would recurse once per line. Neither
/// `check` (which reads runs of items in one call) nor `fmt` (which reads the file whole)
/// may hand such text to the grammar in one piece: the parser has no stack probe, so that
/// would overflow the stack and abort.
#[test]
fn items_that_each_leave_a_block_open_are_read_one_by_one() {
    let lines = 30_000;
    let mut text = String::from(
        "plan \"p\" { period 2026  currency USD }\ndimension r \"R\" { a \"A\" }\ngoal g \"G\" {\n  split r {\n",
    );
    text.push_str(&"goal 1 { split r {\n".repeat(lines));
    let c = common::compile(text.clone(), Detail::Cells);
    let syntax = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "syntax")
        .count();
    // The goal left open, then each line's item.
    assert_eq!(syntax, lines + 1);
    let Err(errors) = planck::fmt::format(planck::source::FileId(0), &text) else {
        panic!("a file of open blocks was formatted");
    };
    assert_eq!(errors.len(), lines + 1);
}
