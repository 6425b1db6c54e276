//! The documentation is tested (`docs/checks.md`, generated from the rules, is tested in
//! `tests/it/rules.rs`): every ```plan block of the README and `docs/` fires exactly the codes its info string declares; every number
//! the prose states about a block is compared with planck's output; the README's example
//! output is what the binary prints.
//!
//! A block's info string, after `plan`: `fragment` (its items are completed by
//! [`PREAMBLE`]), `fragment=goal` (statements of a goal), `expect=CODE,CODE` (the codes it
//! demonstrates, each as often as it fires; none when absent) and `id=NAME` (named by a
//! claim in [`CLAIMS`]).

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::common;

// ------------------------------------------------------------ plan blocks

/// The documents whose ```plan blocks are checked. `docs/checks.md` is generated from the
/// rules' own documentation, whose examples are tested where the rules are.
const DOCUMENTS: &[&str] = &[
    "README.md",
    "docs/language.md",
    "docs/cli.md",
    "docs/json.md",
    "docs/fuzzing.md",
    "docs/review.md",
    "docs/style.md",
    "docs/report.md",
    "docs/editors.md",
];

/// The plan a block marked `fragment` is completed with. A top-level item of the fragment
/// replaces the item of the same keyword and name here (`grades` and `plan` by keyword
/// alone); the others stay. `{goal}` is the body of goal `revenue`: a block marked
/// `fragment=goal` is a list of goal statements and takes its place. `{funnel}` is the
/// document's block marked `id=funnel`, so numbers stated about that funnel are measured
/// on it.
const PREAMBLE: &str = r#"plan "文档示例" {
  period 2026
  currency CNY
  as_of 2026-06-30
}

strategy key_accounts "深耕大客户"

dimension region "区域" { east "华东"  north "华北"  south "华南" }
dimension product "产品" { hw "硬件"  sw "软件"  svc "服务" }

team east_team "华东团队" {
  region east
  rep alice "陈爱丽" { capacity 2.4M CNY }
  rep bob   "王博"   { capacity 2.4M CNY }
  rep carol "张可"   { capacity 1.2M CNY  start 2026-07  ramp 50% 75% }
}

{funnel}

grades { A "本季度可成交" 80%  B "半年内" 50%  C "有意向" 20% }

goal company_revenue "公司全年销售额" {
  owner "总经理"
  target 40M CNY
  baseline 36M CNY in 2025
  supports key_accounts
}

goal revenue "2026 全年销售额" {
  owner "销售总监"
  target 12M CNY
  baseline 10M CNY in 2025
  supports key_accounts
{goal}
}
"#;

/// The body of goal `revenue` in [`PREAMBLE`] unless a `fragment=goal` block replaces it.
const GOAL_BODY: &str = "  split region { east 40%  north 35%  south rest }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }";

/// Files beside every block's plan, for the blocks that include one.
const OTHER_FILES: &[(&str, &[u8])] = &[
    ("org.plan", b"# teams and reps\n"),
    (
        "crm/opportunities.csv",
        "Opportunity ID,Sales Agent,Product,Account,Deal Stage,Engage Date,Close Date,Close Value\n\
         1C1I7A6R,陈爱丽,软件,Acme 集团,商机,20/05/2026,15/09/2026,\"¥600,000\"\n\
         Z063OYW0,Bob,硬件,Globex,线索,12/06/2026,,\n\
         EV1JU8J8,王博,服务,Initech,成交,02/02/2026,28/04/2026,\"¥250,000\"\n\
         T0000001,王博,服务,Test account,商机,01/06/2026,01/07/2026,1\n"
            .as_bytes(),
    ),
    (
        "crm/report.csv",
        "Opportunity Name,Opportunity Owner,Stage,Amount,Close Date\n\
         Acme - Renewal,陈爱丽,成交,\"(¥20,000.00)\",11/28/2025\n\
         Globex - Pilot,王博,成交,\"¥480,000.00\",03/16/2026\n\
         Initech - Expansion,陈爱丽,商机,\"¥300,000.00\",09/30/2026\n\
         \"Grand Totals (3 records)\"\n\
         \n\
         \"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n"
            .as_bytes(),
    ),
    (
        "erp/bookings.csv",
        "invoice,status,booking_date,Sales Rep,territory,net_amount\n\
         INV-0012,Invoiced,2026-02-14,陈爱丽,华东,\"¥1,200,000\"\n\
         INV-0013,Cancelled,2026-02-20,王博,华东,\"¥300,000\"\n\
         INV-0017,Invoiced,2026-03-02,,north,860k CNY\n"
            .as_bytes(),
    ),
];

/// How a block is completed before it is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Completion {
    /// A whole plan, checked as written.
    Whole,
    /// Top-level items, completed by [`PREAMBLE`].
    Items,
    /// Statements of a goal: the body of goal `revenue` in [`PREAMBLE`].
    GoalBody,
}

/// One ```plan block of a document and what its info string declares.
#[derive(Debug)]
struct Block {
    file: &'static str,
    /// 1-based line of the opening fence.
    line: usize,
    text: String,
    completion: Completion,
    /// The codes the block demonstrates: exactly these fire, each as often as listed.
    expect: Vec<String>,
    id: Option<String>,
}

impl Block {
    fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

fn read_doc(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The fenced blocks of `file` whose language is `lang`, as (1-based fence line, info
/// words after the language, text).
fn fenced(file: &str, lang: &str) -> Vec<(usize, Vec<String>, String)> {
    let text = read_doc(file);
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Vec<String>, String)> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        match &mut open {
            Some((_, _, body)) if fence == "```" => {
                let _ = body;
                blocks.extend(open.take());
            }
            Some((_, _, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {
                if let Some(info) = fence.strip_prefix("```") {
                    let mut words = info.split_whitespace();
                    if words.next() == Some(lang) {
                        open = Some((n + 1, words.map(String::from).collect(), String::new()));
                    } else if !info.is_empty() {
                        // Another language: skip to its closing fence.
                        open = None;
                    }
                }
            }
        }
    }
    assert!(open.is_none(), "{file}: a ```{lang} block is not closed");
    blocks
}

fn plan_blocks(file: &'static str) -> Vec<Block> {
    fenced(file, "plan")
        .into_iter()
        .map(|(line, info, text)| {
            let mut block = Block {
                file,
                line,
                text,
                completion: Completion::Whole,
                expect: Vec::new(),
                id: None,
            };
            for word in info {
                match word.split_once('=') {
                    None if word == "fragment" => block.completion = Completion::Items,
                    Some(("fragment", "goal")) => block.completion = Completion::GoalBody,
                    Some(("expect", codes)) => {
                        block.expect = codes.split(',').map(String::from).collect();
                    }
                    Some(("id", id)) => block.id = Some(id.to_string()),
                    _ => panic!("{}: unknown info word `{word}`", block.at()),
                }
            }
            for code in &block.expect {
                assert!(
                    planck::diagnostic::Code::ALL
                        .iter()
                        .any(|c| c.as_str() == code),
                    "{}: `{code}` is not a diagnostic code",
                    block.at()
                );
            }
            block
        })
        .collect()
}

/// The keyword and name of each top-level item of `text` (an item starts in column 0).
fn item_keys(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_alphabetic()))
        .map(|l| {
            let mut words = l.split_whitespace();
            let keyword = words.next().unwrap().to_string();
            let name = match keyword.as_str() {
                "plan" | "grades" => String::new(),
                _ => words.next().unwrap().to_string(),
            };
            (keyword, name)
        })
        .collect()
}

/// The items of [`PREAMBLE`] (with `{goal}` filled in), each a blank-line separated part.
fn preamble_items(funnel: &str, goal_body: &str) -> Vec<String> {
    PREAMBLE
        .replace("{funnel}", funnel.trim_end())
        .replace("{goal}", goal_body.trim_end())
        .split("\n\n")
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The plan text a block is checked as.
fn completed(block: &Block, funnel: Option<&str>) -> String {
    let funnel =
        || funnel.unwrap_or_else(|| panic!("{}: a fragment needs a block `id=funnel`", block.at()));
    match block.completion {
        Completion::Whole => block.text.clone(),
        Completion::GoalBody => preamble_items(funnel(), &block.text).join("\n\n") + "\n",
        Completion::Items => {
            let replaced = item_keys(&block.text);
            let mut items: Vec<String> = preamble_items(funnel(), GOAL_BODY)
                .into_iter()
                .filter(|item| !replaced.iter().any(|key| item_keys(item).contains(key)))
                .collect();
            items.push(block.text.clone());
            items.join("\n\n") + "\n"
        }
    }
}

/// A checked block: its compilation (every cell allocated) and its `planck compile` JSON
/// when it has no error.
struct Checked {
    compilation: planck::Compilation,
    json: Option<serde_json::Value>,
}

fn check(text: &str) -> Checked {
    let compilation = common::compile_files(
        text,
        OTHER_FILES,
        &planck::config::Config::default(),
        planck::alloc::Detail::Cells,
    );
    let has_errors = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == planck::diagnostic::Severity::Error);
    let json = (!has_errors).then(|| {
        let mut out = Vec::new();
        planck::emit::compile::write(
            &compilation.model,
            &compilation.allocation,
            &compilation.progress,
            &mut out,
        )
        .unwrap();
        serde_json::from_slice(&out).unwrap()
    });
    Checked { compilation, json }
}

/// Every block of every document, completed and checked.
fn checked_blocks() -> Vec<(Block, Checked)> {
    let mut all = Vec::new();
    for &file in DOCUMENTS {
        let blocks = plan_blocks(file);
        let funnel = blocks
            .iter()
            .find(|b| b.id.as_deref() == Some("funnel"))
            .map(|b| b.text.clone());
        for block in blocks {
            let text = completed(&block, funnel.as_deref());
            let checked = check(&text);
            all.push((block, checked));
        }
    }
    all
}

#[test]
fn every_plan_block_in_the_docs_fires_exactly_the_codes_it_declares() {
    let blocks = checked_blocks();
    assert!(
        blocks.len() >= 12,
        "found only {} plan blocks",
        blocks.len()
    );
    let mut failures = Vec::new();
    for (block, checked) in &blocks {
        let mut fired: Vec<&str> = checked
            .compilation
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        fired.sort_unstable();
        let mut expected: Vec<&str> = block.expect.iter().map(String::as_str).collect();
        expected.sort_unstable();
        if fired != expected {
            let messages: Vec<String> = checked
                .compilation
                .diagnostics
                .iter()
                .map(|d| format!("  {}: {}", d.code, d.message))
                .collect();
            failures.push(format!(
                "{}: declares {expected:?}, fires {fired:?}\n{}",
                block.at(),
                messages.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// A number the prose states about a block, and where `planck compile` (or, for a rep's
/// effective capacity, which the output does not carry, the model) says it.
struct Claim {
    file: &'static str,
    /// The block's `id`.
    block: &'static str,
    /// The words of the document that state the number.
    phrase: &'static str,
    actual: fn(&Checked) -> String,
    expected: &'static str,
}

/// The value at a JSON pointer of the block's compile output, as written there.
fn at(checked: &Checked, pointer: &str) -> String {
    let json = checked.json.as_ref().unwrap_or_else(|| {
        panic!(
            "the block does not compile: {:#?}",
            checked.compilation.diagnostics
        )
    });
    let value = json
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no `{pointer}` in the compile output"));
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The effective capacity over the plan period of the rep named `name`.
fn effective_capacity(checked: &Checked, name: &str) -> String {
    let model = &checked.compilation.model;
    let rep = model.reps.iter().find(|r| r.name == name).unwrap();
    let period = model.plan.period.unwrap();
    planck::capacity::effective(model, rep, &period)
        .unwrap()
        .normalize()
        .to_string()
}

const CLAIMS: &[Claim] = &[
    Claim {
        file: "docs/language.md",
        block: "import-deals",
        phrase: "10 + 20 days later, it closes 2026-07-12, for 200k",
        actual: |c| format!("{} {}", at(c, "/deals/1/close"), at(c, "/deals/1/amount")),
        expected: "2026-07-12 200000",
    },
    Claim {
        file: "docs/language.md",
        block: "import-report",
        phrase: "two deals are read, one of them won for 480k",
        actual: |c| {
            let deals = c.json.as_ref().and_then(|j| j["deals"].as_array());
            format!(
                "{} {} {} {} {}",
                deals.map_or(0, Vec::len),
                at(c, "/deals/0/name"),
                at(c, "/deals/0/stage"),
                at(c, "/deals/0/amount"),
                at(c, "/deals/1/stage"),
            )
        },
        expected: "2 Globex - Pilot won 480000 qualified",
    },
    Claim {
        file: "docs/language.md",
        block: "import-actuals",
        phrase: "1.2M + 860k = 2.06M of actuals",
        actual: |c| at(c, "/goals/1/actual"),
        expected: "2060000",
    },
    Claim {
        file: "docs/report.md",
        block: "sales",
        phrase: "It reports one warning, `low-coverage`",
        actual: |c| {
            let codes: Vec<&str> = c
                .compilation
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            codes.join(",")
        },
        expected: "low-coverage",
    },
    Claim {
        file: "docs/language.md",
        block: "team",
        phrase: "so 50k + 75k + 4 × 100k = 525k in 2026",
        actual: |c| effective_capacity(c, "carol"),
        expected: "525000",
    },
    Claim {
        file: "docs/language.md",
        block: "funnel",
        phrase: "the funnel's **win rate** is the first stage's — 20 % above",
        actual: |c| at(c, "/funnels/0/win_rate"),
        expected: "0.2",
    },
    Claim {
        file: "docs/language.md",
        block: "funnel",
        phrase: "the sum of the dwell times — 30 days above",
        actual: |c| at(c, "/funnels/0/cycle_days"),
        expected: "30",
    },
    Claim {
        file: "docs/language.md",
        block: "goal",
        phrase: "150 × 12 × 20 % × 200k = 72M over 2026",
        actual: |c| at(c, "/goals/1/funnel_capacity"),
        expected: "72000000",
    },
    Claim {
        file: "docs/language.md",
        block: "goal",
        phrase: "target ÷ deal size ÷ win rate — 300 for 12M",
        actual: |c| at(c, "/goals/1/entries_needed"),
        expected: "300",
    },
    Claim {
        file: "docs/language.md",
        block: "deal",
        phrase: "600k × 80 % = 480k",
        actual: |c| at(c, "/deals/0/weighted"),
        expected: "480000",
    },
    Claim {
        file: "docs/language.md",
        block: "actuals",
        phrase: "with quarters of 20/25/25/30 % of 12M,\n  5.4M by June 30",
        actual: |c| at(c, "/goals/1/expected_to_date"),
        expected: "5400000",
    },
    Claim {
        file: "docs/language.md",
        block: "won",
        phrase: "its three won deals are its actual, 1M by June 30",
        actual: |c| at(c, "/goals/1/actual"),
        expected: "1000000",
    },
    Claim {
        file: "docs/language.md",
        block: "won",
        phrase: "its 200k is the unplaced actual",
        actual: |c| at(c, "/goals/1/unplaced_actual"),
        expected: "200000",
    },
    Claim {
        file: "docs/language.md",
        block: "won",
        phrase: "1M × 50 % = 500k of pipeline, all of it unplaced",
        actual: |c| {
            format!(
                "{} {}",
                at(c, "/goals/1/pipeline"),
                at(c, "/goals/1/unplaced_pipeline")
            )
        },
        expected: "500000 500000",
    },
    Claim {
        file: "docs/cli.md",
        block: "calibrate",
        phrase: "Above, 6 deals from 2026-01-01 to 2026-06-30: 1 per month",
        actual: |c| {
            let h = calibrated_since(c, "2026-01-01");
            format!("{} {}", h.opened, h.inflow_per_month.unwrap().normalize())
        },
        expected: "6 1",
    },
    Claim {
        file: "docs/cli.md",
        block: "calibrate",
        phrase: "the one deal open past 60 days was lost",
        actual: |c| {
            let h = calibrated_since(c, "2026-01-01");
            let band = h.age_bands.iter().find(|b| b.from_days == 60).unwrap();
            format!("{} open, {} won", band.open, band.won)
        },
        expected: "1 open, 0 won",
    },
];

/// The history of the block's first funnel, with `--since DATE`.
fn calibrated_since(checked: &Checked, since: &str) -> planck::calibrate::FunnelHistory {
    let options = planck::calibrate::Options {
        funnel: None,
        since: Some(chrono::NaiveDate::parse_from_str(since, "%Y-%m-%d").unwrap()),
    };
    planck::calibrate::calibrate(&checked.compilation.model, &options)
        .funnels
        .remove(0)
}

#[test]
fn every_number_the_docs_state_about_an_example_is_real_output() {
    let blocks = checked_blocks();
    let mut failures = Vec::new();
    for claim in CLAIMS {
        let text = read_doc(claim.file);
        if !text.contains(claim.phrase) {
            failures.push(format!(
                "{}: no longer says `{}`: keep the claim in tests/it/docs.rs with the text",
                claim.file, claim.phrase
            ));
            continue;
        }
        let (_, checked) = blocks
            .iter()
            .find(|(b, _)| b.file == claim.file && b.id.as_deref() == Some(claim.block))
            .unwrap_or_else(|| panic!("{}: no block `id={}`", claim.file, claim.block));
        let actual = (claim.actual)(checked);
        if actual != claim.expected {
            failures.push(format!(
                "{} (block `{}`): the text says `{}`, planck gives {actual}, the claim {}",
                claim.file, claim.block, claim.phrase, claim.expected
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn readme_example_output_is_what_planck_prints() {
    let blocks = plan_blocks("README.md");
    let plan = &blocks.first().unwrap().text;
    let (_, _, shown) = fenced("README.md", "text")
        .into_iter()
        .find(|(_, _, text)| text.starts_with("$ planck check sales.plan\n"))
        .unwrap();
    let expected = shown.trim_start_matches("$ planck check sales.plan\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sales.plan"), plan).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planck"))
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .args(["check", "sales.plan"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the README says the exit code is 1"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

/// The output shown for `planck calibrate` in `docs/cli.md` (text) and `docs/json.md`
/// (JSON) is what the binary prints for the plan of the block `id=calibrate`.
#[test]
fn calibrate_example_output_is_what_planck_prints() {
    let plan = plan_blocks("docs/cli.md")
        .into_iter()
        .find(|b| b.id.as_deref() == Some("calibrate"))
        .unwrap()
        .text;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("history.plan"), plan).unwrap();
    for (file, lang) in [("docs/cli.md", "text"), ("docs/json.md", "json")] {
        let (_, _, shown) = fenced(file, lang)
            .into_iter()
            .find(|(_, _, text)| text.starts_with("$ planck calibrate "))
            .unwrap_or_else(|| panic!("{file}: no `$ planck calibrate` block"));
        let (command, expected) = shown.split_once('\n').unwrap();
        let args: Vec<&str> = command.split_whitespace().skip(2).collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_planck"))
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{file}: `{command}`");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            expected,
            "{file}: `{command}` prints otherwise"
        );
    }
}

#[test]
fn docs_name_no_file_a_user_does_not_have() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<String> = DOCUMENTS.iter().map(|d| d.to_string()).collect();
    docs.push("docs/checks.md".into());
    for file in &docs {
        let text = read_doc(file);
        for forbidden in ["shared/spec", "design document", "data/actuals-2026.csv"] {
            assert!(!text.contains(forbidden), "{file} mentions `{forbidden}`");
        }
        // Every relative link leads to a file of the repository.
        let base = Path::new(file).parent().unwrap();
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap().split('#').next().unwrap();
            if target.is_empty() || target.contains("://") {
                continue;
            }
            assert!(
                root.join(base).join(target).exists(),
                "{file} links to `{target}`, which does not exist"
            );
        }
    }
}

#[test]
fn style_examples_are_what_fmt_prints() {
    let blocks = plan_blocks("docs/style.md");
    let mut pairs = 0;
    for before in &blocks {
        let Some(name) = before
            .id
            .as_deref()
            .and_then(|id| id.strip_suffix("-before"))
        else {
            continue;
        };
        // The block after is `NAME-after`, or `NAME` when other blocks refer to it.
        let after = blocks
            .iter()
            .find(|b| b.id.as_deref() == Some(&format!("{name}-after")))
            .or_else(|| blocks.iter().find(|b| b.id.as_deref() == Some(name)))
            .unwrap_or_else(|| panic!("{}: no block `id={name}-after`", before.at()));
        let formatted = planck::fmt::format(planck::source::FileId(0), &before.text).unwrap();
        assert_eq!(
            formatted,
            after.text,
            "{}: fmt prints otherwise",
            before.at()
        );
        assert_ne!(before.text, after.text, "{}: shows no change", before.at());
        pairs += 1;
    }
    assert_eq!(pairs, 4);
}
