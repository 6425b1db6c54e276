//! Hostile input: data — actual rows and CSV files counted once and read exactly.

use super::common;
use planck::alloc::Detail;
use planck::config::Config;
use planck::diagnostic::{Code, Diagnostic};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// `code@file:line` of every diagnostic.
fn codes(c: &planck::Compilation) -> Vec<String> {
    c.diagnostics
        .iter()
        .map(|d| {
            let file = c.sources.get(d.span.file).unwrap();
            let line = file.line_col(d.span.start()).line;
            format!("{}@{}:{line}", d.code, file.name)
        })
        .collect()
}

/// The text a span covers.
fn spanned(c: &planck::Compilation, span: planck::source::Span) -> &str {
    let file = c.sources.get(span.file).unwrap();
    &file.text[span.range()]
}

/// The actual rows the model kept, over every `actuals` block.
fn kept_rows(c: &planck::Compilation) -> Vec<Decimal> {
    c.model
        .actuals
        .iter()
        .flat_map(|a| &a.rows)
        .map(|r| r.amount)
        .collect()
}

/// Progress of the first goal, allocated even though the plan has errors (`compile`
/// allocates nothing then), to see what the kept rows would count for.
fn progress_despite_errors(c: &planck::Compilation) -> planck::progress::GoalProgress {
    let policy = Config::default().policy;
    let (allocation, _) =
        planck::alloc::allocate(&c.model, &policy, &|_| Detail::Cells, &|_| false);
    let progress = planck::progress::progress(&c.model, &allocation);
    progress.goals[0].clone().unwrap()
}

const REGIONS: &str = r#"
plan { period 2026 currency CNY as_of 2026-12-31 }
dimension region { east west }
dimension 区域 { 华东 华北 }
team t { region east  rep alice { capacity 9M CNY } }
goal g "g" { owner "o"  target 1M CNY  baseline 1M CNY in 2025  allow orphan-goal  allow behind-pace
  split region { east 50%  west rest } }
"#;

// ------------------------------------------------------------------ one member per dimension

#[test]
fn an_inline_row_naming_two_members_of_one_dimension_is_an_error_and_counts_nowhere() {
    let plan = format!(
        "{REGIONS}actuals g {{
  2026-Q1 east 100
  2026-Q1 east west 150
  2026-Q1 west region.west 50
  2026-Q2 alice alice 7
}}
"
    );
    let c = common::compile(plan.as_str(), Detail::Cells);
    assert_eq!(
        codes(&c),
        vec![
            "duplicate-name@main.plan:10",
            "duplicate-name@main.plan:11",
            "duplicate-name@main.plan:12",
        ]
    );
    let [two, repeated, rep]: [&Diagnostic; 3] =
        c.diagnostics.iter().collect::<Vec<_>>().try_into().unwrap();
    // The primary span is the second member, the secondary one the first.
    assert_eq!(
        two.message,
        "this row names two members of `region`: `east` and `west`"
    );
    assert_eq!(spanned(&c, two.span), "west");
    assert_eq!(two.secondary.len(), 1);
    assert_eq!(spanned(&c, two.secondary[0].span), "east");
    assert!(two.help.as_deref().unwrap().contains("one row per member"));
    assert_eq!(repeated.message, "this row names `west` twice");
    assert_eq!(spanned(&c, repeated.span), "region.west");
    assert_eq!(spanned(&c, repeated.secondary[0].span), "west");
    assert!(repeated.help.is_some());
    assert_eq!(rep.message, "this row names `alice` twice");
    assert_eq!(rep.code, Code::DuplicateName);

    // Only the good row is kept; goal and cells agree on it.
    assert_eq!(kept_rows(&c), vec![d("100")]);
    let progress = progress_despite_errors(&c);
    assert_eq!(progress.numbers.actual, Some(d("100")));
    let cells: Decimal = progress.cells.iter().map(|n| n.actual.unwrap()).sum();
    assert_eq!(cells, d("100"));
}

#[test]
fn an_inline_row_naming_a_second_period_is_an_error() {
    let plan = format!(
        "{REGIONS}actuals g {{
  2026-Q2 quarter.Q1 east 7
  2026-03 month.Mar west 9
  2026-Q1 east 100
}}
"
    );
    let c = common::compile(plan.as_str(), Detail::Cells);
    assert_eq!(
        codes(&c),
        vec!["invalid-value@main.plan:9", "invalid-value@main.plan:10"]
    );
    let first = &c.diagnostics[0];
    assert_eq!(
        first.message,
        "this row names a second period, `quarter.Q1`, besides `2026-Q2`"
    );
    assert_eq!(spanned(&c, first.span), "quarter.Q1");
    assert_eq!(spanned(&c, first.secondary[0].span), "2026-Q2");
    assert!(
        first
            .help
            .as_deref()
            .unwrap()
            .contains("one period per row")
    );
    assert_eq!(kept_rows(&c), vec![d("100")]);
}

// ------------------------------------------------------------------ CSV headers

fn with_csv(csv: &str) -> planck::Compilation {
    let plan = format!("{REGIONS}actuals g from \"data/a.csv\"\n");
    common::compile_files(
        plan.as_str(),
        &[("data/a.csv", csv.as_bytes())],
        &Config::default(),
        Detail::Cells,
    )
}

/// Asserts that `csv` has exactly one diagnostic, a repeated header pointing at the
/// field written `second` with a secondary label on the field written `first` (both as
/// written, blanks and quotes included), and that no row of the file is kept.
fn assert_repeated_header(csv: &str, column: &str, first: &str, second: &str) {
    let c = with_csv(csv);
    assert_eq!(codes(&c), vec!["duplicate-name@data/a.csv:1"], "{csv}");
    let diag = &c.diagnostics[0];
    assert_eq!(
        diag.message,
        format!("the CSV header names the `{column}` column twice"),
        "{csv}"
    );
    assert_eq!(spanned(&c, diag.span), second, "{csv}");
    assert_eq!(diag.secondary.len(), 1, "{csv}");
    assert_eq!(spanned(&c, diag.secondary[0].span), first, "{csv}");
    assert!(diag.secondary[0].span.start() < diag.span.start(), "{csv}");
    assert!(diag.help.is_some(), "{csv}");
    assert_eq!(kept_rows(&c), Vec::<Decimal>::new(), "{csv}");
}

#[test]
fn a_repeated_csv_header_is_reported_and_the_file_not_counted() {
    assert_repeated_header(
        "period,region,region,amount\n2026-Q1,east,west,100\n",
        "region",
        "region",
        "region",
    );
    assert_repeated_header(
        "period,region,amount,amount\n2026-Q1,east,100,5\n",
        "amount",
        "amount",
        "amount",
    );
    assert_repeated_header(
        "period,rep,rep,amount\n2026-Q1,alice,alice,100\n",
        "rep",
        "rep",
        "rep",
    );
    assert_repeated_header(
        "period,区域,区域,amount\n2026-Q1,华东,华北,100\n",
        "区域",
        "区域",
        "区域",
    );
}

#[test]
fn csv_headers_equal_up_to_case_or_blanks_are_repeats() {
    // `period` and `amount` are read whatever their case, and every header is trimmed.
    assert_repeated_header(
        "Period,region,PERIOD,amount\n2026-Q1,east,2026-Q2,100\n",
        "period",
        "Period",
        "PERIOD",
    );
    assert_repeated_header(
        "period,region,amount,\" amount \"\n2026-Q1,east,100,5\n",
        "amount",
        "amount",
        "\" amount \"",
    );
    assert_repeated_header(
        "period, region ,region,amount\n2026-Q1,east,west,100\n",
        "region",
        " region ",
        "region",
    );
}

// ------------------------------------------------------------------ CSV amounts

/// The amount a CSV field reads as, or the diagnostics it gave.
fn csv_amount(field: &str) -> Result<Decimal, Vec<String>> {
    let c = with_csv(&format!("period,region,amount\n2026-Q1,east,{field}\n"));
    if c.diagnostics.is_empty() {
        let rows = kept_rows(&c);
        assert_eq!(rows.len(), 1, "{field}");
        Ok(rows[0])
    } else {
        assert_eq!(kept_rows(&c), Vec::<Decimal>::new(), "{field}");
        Err(c
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}@{}: {} [{}]",
                    d.code,
                    spanned(&c, d.span),
                    d.message,
                    d.help.as_deref().unwrap()
                )
            })
            .collect())
    }
}

#[test]
fn csv_amounts_take_commas_only_between_groups_of_three_digits() {
    for (field, value) in [
        ("\"1,234,567.89\"", "1234567.89"),
        ("\"1,234\"", "1234"),
        ("\"12,345\"", "12345"),
        ("\"123,456\"", "123456"),
        ("\"-1,500\"", "-1500"),
        ("\"-1,500.25\"", "-1500.25"),
        ("\"1,234k\"", "1234000"),
        ("\"1,234.5万\"", "12345000"),
        ("1234567.89", "1234567.89"),
        ("-15000", "-15000"),
        ("260k", "260000"),
        ("\" 1,200 \"", "1200"),
    ] {
        assert_eq!(csv_amount(field), Ok(d(value)), "{field}");
    }
    for (field, written) in [
        ("\"1,5\"", "1,5"),
        ("\"1,2,3\"", "1,2,3"),
        ("\"1,23\"", "1,23"),
        ("\",123\"", ",123"),
        ("\"123,\"", "123,"),
        ("\"1,,234\"", "1,,234"),
        ("\"1,234,56\"", "1,234,56"),
        ("\"1,2345\"", "1,2345"),
        ("\"1234,567\"", "1234,567"),
        ("\"0,500\"", "0,500"),
        ("\"-,123\"", "-,123"),
        ("\"1,234.567,8\"", "1,234.567,8"),
        ("\"1.234,5\"", "1.234,5"),
        ("\"1_000,000\"", "1_000,000"),
        ("\"1,000k,000\"", "1,000k,000"),
    ] {
        let field_text = format!("\"{written}\"");
        assert_eq!(field, field_text);
        assert_eq!(
            csv_amount(field),
            Err(vec![format!(
                "invalid-value@{field_text}: data/a.csv row 2, column 3 (`amount`): `{written}` is not an amount: \
                 `,` may only separate groups of three digits [write `,` only between thousands, \
                 e.g. 1,234,567.89, or leave it out; a decimal comma is not read: write 1.5]"
            )]),
            "{field}"
        );
    }
    // Not a comma problem: the message is the general one.
    assert_eq!(
        csv_amount("lots"),
        Err(vec![
            "invalid-value@lots: data/a.csv row 2, column 3 (`amount`): `lots` is not an amount \
             [write a number such as 260000, 260k, $1,200 or -1500]"
                .to_string()
        ])
    );
}

/// `digits` with a `,` before every group of three from the right.
fn grouped(digits: &str) -> String {
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, .. proptest::prelude::ProptestConfig::default() })]

    /// An amount with valid thousands groups reads as the same Decimal as without commas
    /// (each pair written in a month of its own, so the two rows add up to twice it).
    #[test]
    fn thousands_groups_do_not_change_a_csv_amount(
        amounts in proptest::collection::vec(
            (proptest::bool::ANY, 0u64..1_000_000_000_000_000_000, proptest::option::of("[0-9]{1,6}"),
             proptest::sample::select(vec!["", "k", "M", "万"])),
            1..12),
    ) {
        let mut csv = String::from("period,region,amount\n");
        let mut expected = Vec::new();
        for (month, (negative, int, fraction, scale)) in amounts.iter().enumerate() {
            let sign = if *negative { "-" } else { "" };
            let fraction = fraction.as_ref().map_or(String::new(), |f| format!(".{f}"));
            let plain = format!("{sign}{int}{fraction}{scale}");
            let with_commas = format!("{sign}{}{fraction}{scale}", grouped(&int.to_string()));
            let month = month + 1;
            csv.push_str(&format!(
                "2026-{month:02},east,{plain}\n2026-{month:02},east,\"{with_commas}\"\n"
            ));
            let factor = match *scale {
                "k" => d("1000"),
                "M" => d("1000000"),
                "万" => d("10000"),
                _ => Decimal::ONE,
            };
            let value = d(&format!("{sign}{int}{fraction}")) * factor;
            expected.push(value + value);
        }
        let c = with_csv(&csv);
        proptest::prop_assert_eq!(codes(&c), Vec::<String>::new());
        proptest::prop_assert_eq!(kept_rows(&c), expected);
    }
}
