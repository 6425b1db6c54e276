//! No input makes planck panic or hang: arbitrary text, mutated examples, and the
//! pathological inputs a fuzzer finds first (huge numbers, deep nesting, long lines).

use proptest::prelude::*;
use std::path::Path;

use crate::common;

/// Run every phase and render the result: includes resolve to nothing, so each input is
/// judged on its own. The JSON report must parse, and `planck check` (exact rep totals)
/// must find the errors `planck compile` (cells) finds.
fn run(bytes: Vec<u8>) -> planck::Compilation {
    let checked = common::compile(bytes.clone(), planck::alloc::Detail::ExactRepTotals);
    let c = common::compile(bytes, planck::alloc::Detail::Cells);
    // Rendering walks every span: it must not panic either.
    let _ = planck::emit::human::render(&c.sources, &c.diagnostics, false);
    let json = planck::emit::json::render(&c.sources, &c.diagnostics);
    let report: serde_json::Value = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("the JSON report does not parse ({e}):\n{json}"));
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(c.diagnostics.len())
    );
    let error_codes = |c: &planck::Compilation| {
        c.diagnostics
            .iter()
            .filter(|d| d.severity == planck::diagnostic::Severity::Error)
            .map(|d| d.code)
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        error_codes(&checked),
        error_codes(&c),
        "check and compile disagree"
    );
    c
}

fn examples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["examples", "examples/east-china", "tests/ui"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "plan")
                    && let Ok(text) = std::fs::read_to_string(e.path())
                {
                    out.push(text);
                }
            }
        }
    }
    out.sort();
    out
}

/// Pieces of the language, so random text reaches deep into the grammar.
const TOKENS: &[&str] = &[
    "plan",
    "goal",
    "split",
    "region",
    "{",
    "}",
    "\"华东\"",
    "40%",
    "rest",
    "even",
    "by",
    "capacity",
    "target",
    "12M",
    "CNY",
    "2026",
    "2026-Q3",
    "2026-02-30",
    "..",
    "team",
    "rep",
    "dimension",
    "east",
    "north",
    "quarter",
    "Q1",
    "month",
    "Jan",
    "week",
    "W53",
    "funnel",
    "stage",
    "convert",
    "dwell",
    "10d",
    "deal",
    "amount",
    "close",
    "actuals",
    "-5",
    "1.5万",
    "period",
    "baseline",
    "in",
    "owner",
    "supports",
    "parent",
    "allow",
    "missing-owner",
    "\n",
    " ",
    "#",
    ",",
    "include",
    "\"x.plan\"",
    "grades",
    "A",
    "80%",
    "0%",
    "100000000000000000000000000000",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        run(bytes);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..120)) {
        run(tokens.join(" ").into_bytes());
    }

    #[test]
    fn mutated_examples_never_panic(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, proptest::sample::select(TOKENS)), 1..6),
    ) {
        let all = examples();
        prop_assume!(!all.is_empty());
        let mut text: Vec<char> = which.get(&all).chars().collect();
        for (at, kind, token) in edits {
            if text.is_empty() { break; }
            let i = at.index(text.len());
            match kind {
                0 => { text.remove(i); }
                1 => { for (k, c) in token.chars().enumerate() { text.insert(i + k, c); } }
                _ => { text.truncate(i); }
            }
        }
        run(text.into_iter().collect::<String>().into_bytes());
    }
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    let mut text = String::from("plan { period 2026 }\ngoal g \"x\" { target 1M CNY\n");
    for _ in 0..5000 {
        text.push_str("split region { east 100% {\n");
    }
    let c = run(text.into_bytes());
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.message.contains("nested more than"))
    );
}

#[test]
fn a_ten_megabyte_line_is_handled() {
    let mut text = String::from("plan { period 2026 }\ndimension d { ");
    text.push_str(&"m".repeat(10 * 1024 * 1024));
    text.push_str(" ! }\n");
    let c = run(text.into_bytes());
    let rendered = planck::emit::human::render(&c.sources, &c.diagnostics, false);
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code == planck::diagnostic::Code::Syntax)
    );
    // The report names the position instead of printing ten megabytes.
    assert!(
        rendered.len() < 10_000,
        "report is {} bytes",
        rendered.len()
    );
}

#[test]
fn overflowing_arithmetic_is_a_diagnostic() {
    let text = "plan { period 2026 currency CNY }\ndimension region { east north }\ngoal g \"x\" {\n  owner \"o\" supports s\n  target 7900000000000000000000000000 CNY\n  split region { east 5000000000000000000000000000  north 5000000000000000000000000000 }\n  split month { Jan 9999999999999999999999999999 Feb 9999999999999999999999999999 Mar 9999999999999999999999999999 Apr 9999999999999999999999999999 May 9999999999999999999999999999 Jun 9999999999999999999999999999 Jul 9999999999999999999999999999 Aug 9999999999999999999999999999 Sep 9999999999999999999999999999 Oct 9999999999999999999999999999 Nov 9999999999999999999999999999 Dec 9999999999999999999999999999 }\n}\n";
    let c = run(text.as_bytes().to_vec());
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code == planck::diagnostic::Code::AmountsSum),
        "{:#?}",
        c.diagnostics
    );
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.message.contains("more than can be computed exactly")),
        "{:#?}",
        c.diagnostics
    );
}

/// Near the largest decimal (where allocation must report an overflow) and at large but
/// workable sizes (where every later phase runs), with policies at their extremes.
#[test]
fn extreme_capacities_and_policies_do_not_overflow() {
    let config = planck::config::parse(
        "[policy]\npace_tolerance = \"9999999999999999999999999999\"\nmin_coverage = \"9999999999999999999999999999\"\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    // The goal too large to round is refused before its funnel, progress and capacity are
    // judged; the large but workable one gets every verdict, the funnel's capacity beyond a
    // decimal said as `invalid-value`.
    let too_large = ["invalid-value", "growth-exceeds-policy", "invalid-value"];
    let workable = [
        "behind-pace",
        "growth-exceeds-policy",
        "invalid-value",
        "low-coverage",
        "over-capacity",
        // The deal names no region and no owner.
        "unplaced-deal",
    ];
    for (capacity, target, expected) in [
        (
            "7000000000000000000000000000",
            "7900000000000000000000000000",
            &too_large[..],
        ),
        (
            "100000000000000000000",
            "7900000000000000000000",
            &workable[..],
        ),
    ] {
        let mut text = String::from(
            "plan { period 2026 currency CNY as_of 2026-06-30 }\ndimension region { east }\nteam t { region east\n",
        );
        for i in 0..20 {
            text.push_str(&format!("  rep r{i} {{ capacity {capacity} CNY }}\n"));
        }
        text.push_str("}\nfunnel f { deal_size 1 CNY  inflow 9999999999999999999999999999 per day  stage a { convert 100% } stage won }\n");
        text.push_str(&format!("goal g \"g\" {{ owner \"o\" target {target} CNY baseline 1 CNY in 2025 allow orphan-goal funnel f\n  split region {{ east 100% {{ split rep by capacity }} }} }}\n"));
        text.push_str(&format!(
            "actuals g {{ 2026-Q1 east -{target}  2026-Q1 east -{target} }}\n"
        ));
        text.push_str(&format!(
            "deal d {{ stage a  amount {target} CNY  close 2026-09-01 }}\n"
        ));
        for depth in [
            planck::alloc::Detail::Cells,
            planck::alloc::Detail::ExactRepTotals,
        ] {
            let c = common::compile_files(text.clone(), &[], &config, depth);
            let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(codes, expected, "{depth:?}: {:#?}", c.diagnostics);
            // The numbers are said exactly: the refused target, or the team's capacity
            // (20 reps of 10²⁰).
            let said = if expected == too_large {
                format!("{target} CNY is at least 10²⁸ rounding units")
            } else {
                "effective capacity is 2,000,000,000,000,000,000,000".to_string()
            };
            assert!(
                c.diagnostics.iter().any(|d| d.message.contains(&said)),
                "{said}: {:#?}",
                c.diagnostics
            );
            // Every diagnostic is drawn, in full.
            let report = planck::emit::human::render(&c.sources, &c.diagnostics, false);
            for d in &c.diagnostics {
                let first_words: String = d.message.chars().take(30).collect();
                assert!(report.contains(&first_words), "{report}");
            }
            // The compile output can be written for what was computed, and is JSON.
            let mut out = Vec::new();
            planck::emit::compile::write(&c.model, &c.allocation, &c.progress, &mut out)
                .unwrap_or_else(|e| panic!("{e}"));
            let json: serde_json::Value =
                serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(json["goals"][0]["target"], target);
        }
    }
}
