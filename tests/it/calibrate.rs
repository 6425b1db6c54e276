//! `planck calibrate` and `plan-beats-history`: the figures of a history computed by
//! hand (`tests/calibrate/history.plan`, 40 closed deals with Chinese names), the
//! options, both output formats, and the lint's verdict.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use planck::calibrate::{self, AgeBand, Calibration, FunnelHistory, Options};
use planck::config::Config;
use planck::diagnostic::Code;
use planck::model::FunnelId;
use rust_decimal::Decimal;
use std::process::Command;

use crate::common;

const HISTORY: &str = "tests/calibrate/history.plan";

fn d(s: &str) -> Decimal {
    common::d(s)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn history_text() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(HISTORY)).unwrap()
}

fn compile_with(text: &str, config: &Config) -> planck::Compilation {
    common::compile_files(text, &[], config, planck::alloc::Detail::ExactRepTotals)
}

fn run(options: &Options) -> (planck::Compilation, Calibration) {
    let c = compile_with(&history_text(), &Config::default());
    let calibration = calibrate::calibrate(&c.model, options);
    (c, calibration)
}

fn band(from_days: i64, open: u64, won: u64) -> AgeBand {
    AgeBand {
        from_days,
        to_days: Some(from_days + 30),
        open,
        won,
        win_rate: Decimal::from(won).checked_div(Decimal::from(open)),
    }
}

fn planck() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Exit code, standard output and standard error of a run.
fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_figure_of_a_hand_computed_history_is_exact() {
    let (c, calibration) = run(&Options::default());
    assert_eq!(calibration.as_of, Some(date("2026-06-30")));
    assert_eq!(calibration.funnels.len(), 2);
    let h: &FunnelHistory = &calibration.funnels[0];
    assert_eq!(c.model.funnels[h.funnel.index()].name, "大客户");
    // 10 won and 30 lost closed by as_of; the deal won on 2026-07-15 is not history.
    assert_eq!((h.closed, h.won, h.lost), (40, 10, 30));
    assert_eq!(h.win_rate, Some(d("0.25")));
    // 100k + 110k + … + 180k = 1,260k over 9 deals; the deal counted in sets apart.
    assert_eq!(h.unit.as_deref(), Some("CNY"));
    assert_eq!(h.deal_size, Some(d("140000")));
    assert_eq!((h.sized, h.other_units), (9, 1));
    // 30, 40, …, 120 days: 750 over 10.
    assert_eq!(h.cycle_days, Some(d("75")));
    assert_eq!(h.cycled, 10);
    // 10 won + 29 lost + 2 open + 1 won later were opened from 2025-07-01 on: 42 in the
    // 12 months to as_of. The lost deal without `opened` is history but not inflow.
    assert_eq!(h.opened, 42);
    let (window, months) = h.window.unwrap();
    assert_eq!(
        (window.start, window.end, months),
        (date("2025-07-01"), date("2026-06-30"), d("12"))
    );
    assert_eq!(h.inflow_per_month, Some(d("3.5")));
    // The plan: 50 % × 60 %, 200k CNY, 20 + 40 days, 10 per month.
    assert_eq!(h.planned.win_rate, Some(d("0.3")));
    assert_eq!(h.planned.deal_size, Some((d("200000"), "CNY".to_string())));
    assert_eq!(h.planned.cycle_days, Some(d("60")));
    assert_eq!(h.planned.inflow_per_month, Some(d("10")));
    // Grade A: 6 won + 10 lost; B: 4 won + 19 lost (the deal without a date has no grade).
    let grades: Vec<(&str, u64, u64, Option<Decimal>)> = h
        .grades
        .iter()
        .map(|g| {
            (
                c.model.grades[g.grade.index()].name.as_str(),
                g.closed,
                g.won,
                g.win_rate,
            )
        })
        .collect();
    assert_eq!(
        grades,
        vec![
            ("A", 16, 6, Some(d("0.375"))),
            ("B", 23, 4, Some(d("4") / d("23"))),
        ]
    );
    // Ages at close: lost 15 (×10), won 30 40 50, lost 45 (×10), won 60 70 80, 90 100
    // 110, 120, lost 200 (×9). Still open after 0 days: all 39 with both dates.
    assert_eq!(
        h.age_bands,
        vec![
            band(0, 39, 10),
            band(30, 29, 10),
            band(60, 16, 7),
            band(90, 13, 4),
            band(120, 10, 1),
            band(150, 9, 0),
            band(180, 9, 0),
        ]
    );
    assert_eq!(h.age_bands[2].win_rate, Some(d("0.4375")));
}

#[test]
fn a_funnel_without_deal_size_or_dwell_plans_neither_and_a_weekly_inflow_counts_per_month() {
    let (c, calibration) = run(&Options {
        funnel: Some(FunnelId(1)),
        since: None,
    });
    assert_eq!(calibration.funnels.len(), 1);
    let h = &calibration.funnels[0];
    assert_eq!(c.model.funnels[h.funnel.index()].name, "渠道");
    assert_eq!((h.closed, h.won, h.lost), (2, 1, 1));
    assert_eq!(h.win_rate, Some(d("0.5")));
    // No deal size in the funnel: the plan's currency.
    assert_eq!(
        (h.deal_size, h.unit.as_deref()),
        (Some(d("30000")), Some("CNY"))
    );
    // 2026-02-01 to 2026-03-01.
    assert_eq!(h.cycle_days, Some(d("28")));
    // 2 opened from 2026-02-01 to 2026-06-30: 5 months.
    assert_eq!(h.inflow_per_month, Some(d("0.4")));
    assert_eq!(h.planned.win_rate, Some(d("0.25")));
    assert_eq!(h.planned.deal_size, None);
    assert_eq!(h.planned.cycle_days, None);
    // 2 per week over the window's 150 days (150 ÷ 7 weeks) and 5 months.
    assert_eq!(
        h.planned.inflow_per_month,
        Some(d("2") * (d("150") / d("7")) / d("5"))
    );
    // Ages 28 (won) and 45 (lost).
    assert_eq!(h.age_bands, vec![band(0, 2, 1), band(30, 1, 0)]);
    // No closed deal has a grade.
    assert!(h.grades.is_empty());
}

#[test]
fn since_keeps_deals_opened_or_closed_on_or_after_that_day() {
    let (_, calibration) = run(&Options {
        funnel: Some(FunnelId(0)),
        since: Some(date("2026-01-01")),
    });
    let h = &calibration.funnels[0];
    // Won deals 7, 8 and 9 and lost deals 20 to 28 close in 2026, and the lost deal
    // without `opened` closes on 2026-02-01.
    assert_eq!((h.closed, h.won, h.lost), (13, 3, 10));
    assert_eq!(h.win_rate, Some(d("3") / d("13")));
    // 170k and 180k; deal 9 is counted in sets.
    assert_eq!(h.deal_size, Some(d("175000")));
    assert_eq!((h.sized, h.other_units), (2, 1));
    // 100, 110 and 120 days.
    assert_eq!(h.cycle_days, Some(d("110")));
    // Opened since: the two open deals and the deal won after as_of, over 6 months.
    assert_eq!(h.opened, 3);
    assert_eq!(
        h.window.map(|(p, m)| (p.start, m)),
        Some((date("2026-01-01"), d("6")))
    );
    assert_eq!(h.inflow_per_month, Some(d("0.5")));
    let b: Vec<(u64, u64)> = h.grades.iter().map(|g| (g.closed, g.won)).collect();
    // Only grade B has closed deals since then.
    assert_eq!(b, vec![(12, 3)]);
    assert_eq!(
        h.age_bands,
        vec![
            band(0, 12, 3),
            band(30, 12, 3),
            band(60, 12, 3),
            band(90, 12, 3),
            band(120, 10, 1),
            band(150, 9, 0),
            band(180, 9, 0),
        ]
    );
}

#[test]
fn a_later_as_of_takes_in_the_deals_closed_by_then() {
    let mut c = compile_with(&history_text(), &Config::default());
    c.model.plan.as_of = Some(date("2026-07-31"));
    let calibration = calibrate::calibrate(&c.model, &Options::default());
    let h = &calibration.funnels[0];
    assert_eq!((h.closed, h.won), (41, 11));
    // The 1M deal joins the average: (1,260k + 1,000k) ÷ 10.
    assert_eq!(h.deal_size, Some(d("226000")));
    // 2026-05-01 to 2026-07-15: 75 days; (750 + 75) ÷ 11.
    assert_eq!(h.cycle_days, Some(d("75")));
    // The window now spans 13 months.
    assert_eq!(h.inflow_per_month, Some(d("42") / d("13")));
}

#[test]
fn ages_beyond_the_last_band_share_one_open_band() {
    let text = r#"plan "p" { period 2026  currency CNY  as_of 2026-06-30 }
funnel f { stage a { convert 50% }  stage won  lost lost }
deal 老 { stage won  opened 2024-01-01  close 2026-01-01 }
deal 旧 { stage lost  opened 2024-01-01  close 2025-01-10 }
deal 新 { stage lost  opened 2026-01-01  close 2026-01-05 }
"#;
    let c = compile_with(text, &Config::default());
    let h = &calibrate::calibrate(&c.model, &Options::default()).funnels[0];
    // Ages 731, 375 and 4 days: bands 0, 12 and the last one (720 days and more).
    assert_eq!(h.age_bands.len(), 25);
    assert_eq!(h.age_bands[0], band(0, 3, 1));
    assert_eq!(h.age_bands[12], band(360, 2, 1));
    assert_eq!(h.age_bands[13], band(390, 1, 1));
    let last = h.age_bands.last().unwrap();
    assert_eq!(
        (last.from_days, last.to_days, last.open, last.won),
        (720, None, 1, 1)
    );
    // Only the won deal has a cycle.
    assert_eq!(h.cycled, 1);
    assert_eq!(h.cycle_days, Some(d("731")));
}

#[test]
fn no_history_gives_no_figures() {
    let text = r#"plan "p" { period 2026  currency CNY  as_of 2026-06-30 }
funnel f { deal_size 10k CNY  inflow 5 per month  stage a { convert 50% }  stage won }
deal 在谈 { stage a  amount 10k CNY  close 2026-09-01 }
"#;
    let c = compile_with(text, &Config::default());
    let h = &calibrate::calibrate(&c.model, &Options::default()).funnels[0];
    assert_eq!((h.closed, h.won, h.lost), (0, 0, 0));
    assert_eq!(
        (h.win_rate, h.deal_size, h.cycle_days, h.inflow_per_month),
        (None, None, None, None)
    );
    assert!(h.age_bands.is_empty());
    assert!(h.window.is_none());
    assert_eq!(h.planned.inflow_per_month, Some(d("5")));
    let json: serde_json::Value = serde_json::from_str(
        &calibrate::json(
            &c.model,
            &calibrate::calibrate(&c.model, &Options::default()),
        )
        .unwrap(),
    )
    .unwrap();
    let f = &json["funnels"][0];
    for key in ["win_rate", "deal_size", "cycle_days", "inflow_per_month"] {
        assert!(f[key].is_null(), "{key}: {}", f[key]);
    }
    assert_eq!(f["planned"]["deal_size"], "10000");
    assert_eq!(f["age_bands"], serde_json::json!([]));
}

// ------------------------------------------------------------ the binary

#[test]
fn text_output() {
    let (code, out, err) = output(planck().args(["calibrate", HISTORY]));
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("history.text", out);
}

#[test]
fn json_output() {
    let (code, out, err) = output(planck().args(["calibrate", HISTORY, "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("history.json", out);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["version"], 1);
    let f = &json["funnels"][0];
    // The fixed names.
    for key in [
        "name",
        "closed",
        "won",
        "lost",
        "win_rate",
        "deal_size",
        "cycle_days",
        "inflow_per_month",
        "planned",
        "grades",
        "age_bands",
    ] {
        assert!(f.get(key).is_some(), "no `{key}`");
    }
    for key in ["win_rate", "deal_size", "cycle_days", "inflow_per_month"] {
        assert!(f["planned"].get(key).is_some(), "no `planned.{key}`");
    }
    assert_eq!(
        (&f["name"], &f["closed"], &f["won"], &f["lost"]),
        (&"大客户".into(), &40.into(), &10.into(), &30.into())
    );
    assert_eq!(
        (
            &f["win_rate"],
            &f["deal_size"],
            &f["cycle_days"],
            &f["inflow_per_month"]
        ),
        (
            &"0.25".into(),
            &"140000".into(),
            &"75".into(),
            &"3.5".into()
        )
    );
    assert_eq!(
        f["grades"][1],
        serde_json::json!({"name": "B", "closed": 23, "won": 4, "win_rate": "0.173913", "planned": "0.5"})
    );
    assert_eq!(
        f["age_bands"][2],
        serde_json::json!({"from_days": 60, "to_days": 90, "open": 16, "won": 7, "win_rate": "0.4375"})
    );
}

#[test]
fn funnel_and_since_narrow_the_history() {
    let (code, out, err) = output(planck().args([
        "calibrate",
        HISTORY,
        "--funnel",
        "大客户",
        "--since",
        "2026-01-01",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["since"], "2026-01-01");
    let funnels = json["funnels"].as_array().unwrap();
    assert_eq!(funnels.len(), 1);
    assert_eq!(
        (&funnels[0]["closed"], &funnels[0]["win_rate"]),
        (&13.into(), &"0.230769".into())
    );
}

#[test]
fn an_unknown_funnel_is_an_error_with_a_suggestion() {
    let (code, out, err) = output(planck().args(["calibrate", HISTORY, "--funnel", "大客戶"]));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.ends_with(
            "error: tests/calibrate/history.plan has no funnel named `大客戶`; did you mean `大客户`?\n"
        ),
        "{err}"
    );
}

#[test]
fn a_bad_since_date_cannot_run() {
    let (code, out, err) = output(planck().args(["calibrate", HISTORY, "--since", "2026-1-1"]));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("`2026-1-1` is not a date"), "{err}");
}

#[test]
fn a_plan_with_errors_is_calibrated_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let plan = history_text().replace("amount 50 套", "amount 50 套  owner 无人");
    std::fs::write(dir.path().join("h.plan"), plan).unwrap();
    let (code, out, err) = output(
        planck()
            .current_dir(dir.path())
            .args(["calibrate", "h.plan"]),
    );
    assert_eq!(code, 1);
    assert!(err.contains("unresolved-name"), "{err}");
    assert!(
        err.ends_with("error: h.plan has 1 error; the history counts what could be read of the deals they affect\n"),
        "{err}"
    );
    assert!(
        out.starts_with(
            "funnel 大客户 \"大客户漏斗\": 40 deals closed by 2026-06-30 (10 won, 30 lost)\n"
        ),
        "{out}"
    );
}

#[test]
fn chinese_labels_keep_the_columns_aligned() {
    let (_, out, _) = output(planck().args(["calibrate", HISTORY]));
    // The grade table: each row ends in the same display column as its rule.
    let lines: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("funnel 大客户: win rate by grade"))
        .skip(1)
        .take(4)
        .collect();
    assert_eq!(lines[2], "A \"本季度可成交\"      16    6     37.5%   80%");
    let widths: Vec<usize> = lines
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .collect();
    assert!(widths.iter().all(|w| *w == widths[1]), "{widths:?}\n{out}");
}

#[test]
fn control_characters_from_the_plan_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let plan = history_text().replace("\"大客户漏斗\"", "\"大客户\u{1b}[2J\"");
    std::fs::write(dir.path().join("h.plan"), plan).unwrap();
    let (code, out, _) = output(
        planck()
            .current_dir(dir.path())
            .args(["calibrate", "h.plan"]),
    );
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(
        out.starts_with("funnel 大客户 \"大客户\\u{1b}[2J\": 40 deals"),
        "{out}"
    );
}

#[test]
fn completions_and_the_man_page_name_calibrate() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = output(planck().args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(out.contains("calibrate"), "{shell}");
        assert!(out.contains("since"), "{shell}: no --since");
    }
    let (code, out, _) = output(planck().args(["man"]));
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie"), "not roff: {}", &out[..40]);
    assert!(out.contains("planck\\-calibrate"), "{out}");
    let (code, _, err) = output(planck().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "{err}");
}

// ------------------------------------------------------------ plan-beats-history

fn lints(c: &planck::Compilation) -> Vec<(String, String)> {
    c.diagnostics
        .iter()
        .filter(|d| d.code == Code::PlanBeatsHistory)
        .map(|d| {
            let file = c.sources.get(d.span.file).unwrap();
            (
                file.text[d.span.range()].to_string(),
                d.help.clone().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_lint_reports_the_figures_beyond_the_tolerance_with_what_history_shows() {
    let c = compile_with(&history_text(), &Config::default());
    // The win rate is 20 % above history, not more: only deal size and inflow.
    assert_eq!(
        lints(&c),
        vec![
            (
                "200k CNY".to_string(),
                "history: 140k CNY on average over 9 won deals (40 closed deals); plan with it, or see `planck calibrate`".to_string()
            ),
            (
                "inflow 10 per month".to_string(),
                "history: 42 deals opened from 2025-07-01 to 2026-06-30, 3.5 per month; plan with it, or see `planck calibrate`".to_string()
            ),
        ]
    );
    let messages: Vec<&str> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::PlanBeatsHistory)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        vec![
            "funnel `大客户` plans a deal size of 200k CNY, more than 20% above its history's 140k CNY",
            "funnel `大客户` plans an inflow of 10 deals per month, more than 20% above its history's 3.5",
        ]
    );
    // A first conversion of 50.9 % plans 30.54 %: more than 20 % above 25 %, reported on
    // the first stage.
    let c = compile_with(
        &history_text().replace("convert 50%  dwell 20d", "convert 50.9%  dwell 20d"),
        &Config::default(),
    );
    let found = lints(&c);
    assert_eq!(found.len(), 3);
    assert_eq!(found[2].0, "线索");
    assert_eq!(
        found[2].1,
        "history: 10 of 40 closed deals won (25%); lower the conversions toward it, or see `planck calibrate`"
    );
}

#[test]
fn the_lint_follows_the_policy() {
    let text = history_text();
    let config = |toml: &str| planck::config::parse(toml).unwrap();
    // 40 closed deals: a sample of 41 is not reached.
    let c = compile_with(&text, &config("[policy]\nhistory_min_sample = 41\n"));
    assert_eq!(lints(&c), vec![]);
    let c = compile_with(&text, &config("[policy]\nhistory_min_sample = 40\n"));
    assert_eq!(lints(&c).len(), 2);
    // Deal size is 42.9 % above history, inflow 185.7 %.
    let c = compile_with(&text, &config("[policy]\nhistory_tolerance = \"50%\"\n"));
    let spans: Vec<String> = lints(&c).into_iter().map(|(s, _)| s).collect();
    assert_eq!(spans, vec!["inflow 10 per month"]);
    let c = compile_with(&text, &config("[lints]\nplan-beats-history = \"allow\"\n"));
    assert_eq!(lints(&c), vec![]);
    // A goal naming the funnel may allow it; one naming another funnel may not.
    let goal = |funnel: &str| {
        format!(
            "{text}\ngoal 收入 {{ target 1M CNY  funnel {funnel}  allow plan-beats-history  allow missing-owner  allow missing-label  allow missing-baseline  allow orphan-goal }}\n"
        )
    };
    let c = compile_with(&goal("大客户"), &Config::default());
    assert_eq!(lints(&c), vec![]);
    let c = compile_with(&goal("渠道"), &Config::default());
    assert_eq!(lints(&c).len(), 2);
}

#[test]
fn check_and_compile_give_the_same_verdict() {
    let text = history_text();
    let checked = compile_with(&text, &Config::default());
    let compiled = common::compile_files(
        text.as_str(),
        &[],
        &Config::default(),
        planck::alloc::Detail::Cells,
    );
    assert_eq!(lints(&checked).len(), 2);
    assert_eq!(lints(&checked), lints(&compiled));
    let (code, _, err) = output(planck().args(["compile", HISTORY]));
    assert_eq!(code, 0);
    assert_eq!(err.matches("plan-beats-history").count(), 2, "{err}");
    let (code, out, _) = output(planck().args(["check", HISTORY]));
    assert_eq!(code, 0);
    assert!(
        out.ends_with("checked 1 plan (1 file): 0 errors, 2 warnings\n"),
        "{out}"
    );
}

#[test]
fn the_policy_keys_are_validated() {
    let policy =
        planck::config::parse("[policy]\nhistory_tolerance = 0.35\nhistory_min_sample = 12\n")
            .unwrap()
            .policy;
    assert_eq!(policy.history_tolerance, d("0.35"));
    assert_eq!(policy.history_min_sample, 12);
    let defaults = Config::default().policy;
    assert_eq!(
        (defaults.history_tolerance, defaults.history_min_sample),
        (d("0.2"), 30)
    );
    for (text, message) in [
        (
            "[policy]\nhistory_min_sample = 0\n",
            "`history_min_sample` must be a whole number of at least 1",
        ),
        (
            "[policy]\nhistory_min_sample = 2.5\n",
            "`history_min_sample` must be a whole number of at least 1",
        ),
        (
            "[policy]\nhistory_tolerance = \"much\"\n",
            "`history_tolerance` must be a non-negative number",
        ),
    ] {
        let e = planck::config::parse(text).unwrap_err();
        assert_eq!(e.message, message);
        let span = e.span.unwrap();
        assert_eq!(
            &text[span.start..span.end],
            text.split(" = ").nth(1).unwrap().trim_end()
        );
    }
}

/// A folder of several plans names them and asks for one.
#[test]
fn a_folder_of_several_plans_asks_for_one() {
    let out = Command::new(env!("CARGO_BIN_EXE_planck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["calibrate", "examples"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("root plans ("), "{err}");
    assert!(err.contains("; give the path of one of them"), "{err}");
}
