//! Deals and actuals read from exports through a mapping: the examples' numbers, how
//! cells are matched and read, empty cells, filters, a rep's team, and every bad cell
//! reported with its file, row, column and header.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{codes, compile_files, d};
use planck::alloc::Detail;
use planck::config::Config;
use rust_decimal::Decimal;
use serde_json::Value;
use std::process::Command;

/// Compile `plan` as `main.plan` beside `files`, with every cell.
fn compile_with(plan: impl Into<Vec<u8>>, files: &[(&str, &[u8])]) -> planck::Compilation {
    compile_files(plan, files, &Config::default(), Detail::Cells)
}

fn messages(c: &planck::Compilation) -> Vec<String> {
    c.diagnostics.iter().map(|d| d.message.clone()).collect()
}

/// `planck compile` of an example, as JSON.
fn compiled(path: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_planck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["compile", path])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Each allocation's coordinates and one of its fields, as `member/member=value`.
fn per_cell(goal: &Value, field: &str) -> Vec<String> {
    goal["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let coords: Vec<&str> = c["coords"].as_object().unwrap().values().map(s).collect();
            format!("{}={}", coords.join("/"), s(&c[field]))
        })
        .collect()
}

#[test]
fn salesforce_report_pipeline_by_region_from_the_owners_team() {
    let out = compiled("examples/imports/salesforce/plan.plan");
    let deals = out["deals"].as_array().unwrap();
    // Every row, the `Closed Lost` one a lost deal.
    assert_eq!(deals.len(), 10);
    let foxglove = deals
        .iter()
        .find(|x| s(&x["name"]) == "Foxglove Media - Analytics add-on")
        .unwrap();
    assert_eq!(s(&foxglove["stage"]), "lost");
    assert_eq!(foxglove["open"], Value::Bool(false));
    let acme = &deals[0];
    assert_eq!(s(&acme["name"]), "Acme Corp - Platform renewal");
    assert_eq!(s(&acme["owner"]), "mei");
    assert_eq!(s(&acme["stage"]), "negotiation");
    assert_eq!(s(&acme["amount"]), "48000");
    assert_eq!(s(&acme["close"]), "2026-07-15");
    let goal = &out["goals"][0];
    // The won deals are the goal's actuals: 62,000 + 41,000.
    assert_eq!(s(&goal["actual"]), "103000");
    // Plus the open deals weighted by their stage's probability:
    // 36,000 + 16,425 + 1,620 + 14,580 + 71,250 + 12,150 + 2,646 = 154,671.
    assert_eq!(s(&goal["forecast"]), "257671");
    assert_eq!(
        per_cell(goal, "forecast"),
        // East: 85,830 open, and Evergreen (62,000) won by an agent of the East team.
        ["central=56691", "east=147830", "west=53150"]
    );
}

#[test]
fn hubspot_export_fills_empty_amounts_and_close_dates() {
    let out = compiled("examples/imports/hubspot/plan.plan");
    let deals = out["deals"].as_array().unwrap();
    let by_name = |name: &str| {
        deals
            .iter()
            .find(|x| s(&x["name"]) == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    // The renewals pipeline is left out; a lost deal needs no close date's estimate.
    assert_eq!(deals.len(), 8);
    assert_eq!(s(&by_name("Wexford Bakery - Starter")["stage"]), "lost");
    assert!(
        deals
            .iter()
            .all(|x| s(&x["name"]) != "Umbra Security - Renewal")
    );
    // No amount: the funnel's deal size. No close date: opened 2026-09-22 plus the dwell
    // of every stage from `appointment` on (7 + 14 + 14 + 10 + 7 = 52 days).
    let quarry = by_name("Quarry Coffee - Starter");
    assert_eq!(s(&quarry["amount"]), "8000");
    assert_eq!(s(&quarry["close"]), "2026-11-13");
    // Opened 2026-09-10 in `qualified`: 14 + 14 + 10 + 7 = 45 days.
    assert_eq!(
        s(&by_name("Saltmarsh Studio - Upgrade")["close"]),
        "2026-10-25"
    );
    // A time after the date is read; `closed won` and `priya raman` ignore case.
    let vantage = by_name("Vantage Legal - Pilot");
    assert_eq!(s(&vantage["stage"]), "won");
    assert_eq!(s(&vantage["owner"]), "priya");
    assert_eq!(vantage["open"], Value::Bool(false));
    let goal = &out["goals"][0];
    // Vantage, won by `as_of`, is the actual; the open deals weigh 77,569.92.
    assert_eq!(s(&goal["actual"]), "7200");
    assert_eq!(s(&goal["forecast"]), "84769.92");
    assert_eq!(
        per_cell(goal, "forecast"),
        ["smb=28177.92", "mid_market=56592"]
    );
}

#[test]
fn erp_bookings_count_invoiced_lines_by_rep_region_and_product() {
    let out = compiled("examples/imports/erp/plan.plan");
    let goal = &out["goals"][0];
    // Invoiced lines up to as_of: 480k + 120k + 360k + 350k + 210k + 640k − 40k + 180k.
    assert_eq!(s(&goal["actual"]), "2300000");
    assert_eq!(
        per_cell(goal, "actual"),
        [
            // Product, then region (the JSON's keys are sorted).
            "设备/华东=1440000",
            // 120k, and 210k on a line with no region, placed by 陈静's team.
            "软件/华东=330000",
            "设备/华南=350000",
            "软件/华南=180000",
        ]
    );
}

const DEALS_PLAN: &str = r#"plan "p" { period 2026  currency USD  as_of 2026-06-30 }
dimension region "Region" { central "Central"  east "East" }
team c "Central" { region central  rep mei "Mei-Mei Johns" }
team e "East" { region east  rep ann "Ann" }
funnel f "F" {
  deal_size 10k USD
  stage open "Open" { convert 50%  dwell 30d }
  stage won "Won"
}
deals from "crm.csv" {
  funnel f
  name id
  owner agent
  stage deal_stage
  amount value
  close close_date
  region office
  MISSING
}
"#;

fn deals(csv: &str, missing: &str) -> planck::Compilation {
    compile_with(
        DEALS_PLAN.replace("MISSING", missing),
        &[("crm.csv", csv.as_bytes())],
    )
}

fn deal_names(c: &planck::Compilation) -> Vec<&str> {
    c.model.deals.iter().map(|x| x.name).collect()
}

#[test]
fn cells_name_members_reps_and_stages_by_name_or_label_ignoring_case() {
    let c = deals(
        "id,agent,deal_stage,value,close_date,office\n\
         1C1I7A6R,Mei-Mei Johns,Open,100,2026-08-01,Central\n\
         2,MEI-MEI JOHNS,open,200,2026-08-01,central\n\
         3,mei,OPEN,300,2026-08-01,\n",
        "",
    );
    assert_eq!(codes(&c), Vec::<String>::new());
    assert_eq!(deal_names(&c), ["1C1I7A6R", "2", "3"]);
    for deal in &c.model.deals {
        assert_eq!(deal.owner.map(|r| r.0), Some(0));
        assert_eq!(deal.stage, Some(planck::model::StageRef::Stage(0)));
        // Each is in `central`, written or implied by the owner's team.
        assert_eq!(deal.coords.len(), 1);
        assert_eq!(deal.coords[0].member.0, 0);
    }
}

#[test]
fn an_ambiguous_cell_lists_the_candidates() {
    let plan = r#"plan "p" { period 2026  currency USD }
dimension region { east  EAST  west }
goal g "G" { owner "o"  target 1M USD  split region { east 30%  EAST 30%  west rest } }
actuals g from "a.csv" { period month  amount total  region area }
"#;
    let c = compile_with(
        plan,
        &[(
            "a.csv",
            b"month,area,total\n2026-01,East,5\n2026-01,EAST,7\n".as_slice(),
        )],
    );
    let c_codes = codes(&c);
    let in_csv: Vec<&String> = c_codes.iter().filter(|x| x.contains("a.csv")).collect();
    assert_eq!(in_csv, ["ambiguous-member@a.csv:2"]);
    let messages: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "ambiguous-member")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        messages,
        [
            "a.csv row 2, column 2 (`area`): `East` matches more than one member of `region` when case is ignored: `east`, `EAST`"
        ]
    );
}

#[test]
fn a_repeated_deal_name_names_both_rows() {
    let c = deals(
        "id,agent,deal_stage,value,close_date,office\n\
         A-1,Ann,Open,100,2026-08-01,East\n\
         A-2,Ann,Open,100,2026-08-01,East\n\
         A-1,Ann,Open,900,2026-08-01,East\n",
        "",
    );
    assert_eq!(codes(&c), ["duplicate-name@crm.csv:4"]);
    assert_eq!(
        messages(&c),
        ["crm.csv: deal `A-1` is in row 2 and again in row 4"]
    );
    assert_eq!(deal_names(&c), ["A-1", "A-2"]);
}

#[test]
fn a_repeated_row_reports_its_name_only_and_adds_no_deal() {
    // Row 4 repeats row 2's name and lacks an amount, row 5 repeats it again: each is
    // reported as a repeat of row 2, and nothing else. Row 6 is no repeat: its missing
    // amount is reported.
    let c = deals(
        "id,agent,deal_stage,value,close_date,office\n\
         A-1,Ann,Open,100,2026-08-01,East\n\
         A-2,Ann,Open,100,2026-08-01,East\n\
         A-1,Ann,Open,,2026-08-01,East\n\
         A-1,Ann,Open,300,2026-08-01,East\n\
         A-3,Ann,Open,,2026-08-01,East\n",
        "",
    );
    assert_eq!(
        codes(&c),
        [
            "duplicate-name@crm.csv:4",
            "duplicate-name@crm.csv:5",
            "invalid-value@crm.csv:6"
        ]
    );
    let messages = messages(&c);
    assert_eq!(
        messages[..2],
        [
            "crm.csv: deal `A-1` is in row 2 and again in row 4",
            "crm.csv: deal `A-1` is in row 2 and again in row 5"
        ]
    );
    for repeat in &c.diagnostics[..2] {
        // The repeated cell, and the first row's.
        assert_eq!(repeat.span.len(), 3);
        assert_eq!(repeat.secondary.len(), 1);
        assert_eq!(repeat.secondary[0].span.start(), 44);
        assert_eq!(repeat.secondary[0].span.len(), 3);
    }
    assert_eq!(deal_names(&c), ["A-1", "A-2"]);
    assert_eq!(
        c.model.deals.get(0).unwrap().amount.unwrap().value,
        Decimal::from(100)
    );
}

#[test]
fn a_quoted_name_repeated_after_its_row_was_rejected_points_at_the_first_cell() {
    // The first row is left out (an open deal without amount) but its name still counts,
    // and its quoted cell is read again to compare: both cells mean `"Big" one`.
    let csv = "id,agent,deal_stage,value,close_date,office\n\
               \" \"\"Big\"\" one \",Ann,Open,,2026-08-01,East\n\
               \"\"\"Big\"\" one\",Ann,Open,100,2026-08-01,East\n";
    let c = deals(csv, "");
    assert_eq!(
        codes(&c),
        ["invalid-value@crm.csv:2", "duplicate-name@crm.csv:3"]
    );
    let repeated = c
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "duplicate-name")
        .unwrap();
    assert_eq!(
        repeated.message,
        "crm.csv: deal `\"Big\" one` is in row 2 and again in row 3"
    );
    let first = csv.find("\" \"\"Big").unwrap();
    let first_end = first + "\" \"\"Big\"\" one \"".len();
    assert_eq!(
        (
            repeated.secondary[0].span.start(),
            repeated.secondary[0].span.end()
        ),
        (first, first_end)
    );
    assert!(deal_names(&c).is_empty());
}

#[test]
fn every_bad_cell_names_file_row_column_and_header_and_the_other_rows_stay() {
    let c = deals(
        "id,agent,deal_stage,value,close_date,office\n\
         ok,Ann,Open,100,2026-08-01,East\n\
         b1,Nobody,Shipped,lots,2026-02-30,Moon\n\
         b2,Ann,Open,\"1,20\",2026-08-01,East\n\
         b3,Ann,Open,€500,2026-08-01,East\n",
        "",
    );
    assert_eq!(
        codes(&c),
        [
            "unresolved-name@crm.csv:3",
            "unresolved-name@crm.csv:3",
            "invalid-value@crm.csv:3",
            "invalid-value@crm.csv:3",
            "unresolved-name@crm.csv:3",
            "invalid-value@crm.csv:4",
            "invalid-value@crm.csv:5",
        ]
    );
    assert_eq!(
        messages(&c),
        [
            "crm.csv row 3, column 2 (`agent`): no rep named `Nobody`",
            "crm.csv row 3, column 3 (`deal_stage`): no stage of funnel `f` named `Shipped`",
            "crm.csv row 3, column 4 (`value`): `lots` is not an amount",
            "crm.csv row 3, column 5 (`close_date`): `2026-02-30` is not a date",
            "crm.csv row 3, column 6 (`office`): no member of `region` named `Moon`",
            "crm.csv row 4, column 4 (`value`): `1,20` is not an amount: `,` may only separate groups of three digits",
            "crm.csv row 5, column 4 (`value`): `€500` is in EUR, not USD, the currency of these amounts",
        ]
    );
    assert_eq!(deal_names(&c), ["ok"]);
}

#[test]
fn an_open_deal_without_amount_or_close_is_reported_unless_the_mapping_fills_it() {
    let csv = "id,agent,deal_stage,value,close_date,office\n\
               no-amount,Ann,Open,,2026-08-01,East\n\
               no-close,Ann,Open,500,,East\n\
               won-bare,Ann,Won,,,East\n";
    let c = deals(csv, "");
    let errors = [
        "crm.csv row 2, column 4 (`value`): this open deal has no amount",
        "crm.csv row 3, column 5 (`close_date`): this open deal has no close date",
        // A won deal is history: what it closed for, and when, is never estimated.
        "crm.csv row 4, column 5 (`close_date`): this won deal has no close date",
    ];
    assert_eq!(messages(&c), errors);
    assert_eq!(
        codes(&c),
        [
            "invalid-value@crm.csv:2",
            "invalid-value@crm.csv:3",
            "invalid-value@crm.csv:4"
        ]
    );
    assert_eq!(deal_names(&c), Vec::<&str>::new());

    let c = deals(csv, "missing amount deal_size\n  missing close cycle");
    assert_eq!(messages(&c), &errors[2..]);
    let amount = |i: usize| {
        c.model
            .deals
            .get(i)
            .unwrap()
            .amount
            .as_ref()
            .map(|a| a.value)
    };
    assert_eq!(amount(0), Some(d("10000")));
    // No `opened`: as_of plus the 30 days of `open`.
    assert_eq!(
        c.model
            .deals
            .get(1)
            .unwrap()
            .close
            .map(|x| x.to_string())
            .as_deref(),
        Some("2026-07-30")
    );
}

#[test]
fn an_estimated_close_beyond_the_plan_leaves_the_deal_out_of_the_pipeline_silently() {
    let plan = r#"plan "p" { period 2026  currency USD  as_of 2026-12-20 }
funnel f "F" { deal_size 10k USD  stage open "Open" { convert 50%  dwell 30d }  stage won "Won" }
strategy s "S"
goal g "G" { owner "o"  target 1M USD  baseline 900k USD in 2025  supports s  funnel f  allow behind-pace  allow funnel-cannot-reach  allow low-coverage }
actuals g { 2026-01 900k }
deals from "crm.csv" { funnel f  name id  stage st  amount v  close c  missing close cycle }
"#;
    let c = compile_with(
        plan,
        &[(
            "crm.csv",
            b"id,st,v,c\nlate,Open,1000,\nsoon,Open,2000,2026-12-28\n".as_slice(),
        )],
    );
    assert_eq!(codes(&c), Vec::<String>::new());
    assert_eq!(
        c.model
            .deals
            .get(0)
            .unwrap()
            .close
            .map(|x| x.to_string())
            .as_deref(),
        Some("2027-01-19")
    );
    let goal = c.progress.goals[0].as_ref().unwrap();
    // Only `soon`, at 50 %.
    assert_eq!(goal.numbers.pipeline, Some(d("1000")));
}

#[test]
fn a_reps_team_places_the_row_and_a_different_member_is_an_error() {
    let c = deals(
        "id,agent,deal_stage,value,close_date,office\n\
         x,Ann,Open,100,2026-08-01,Central\n\
         y,Ann,Open,100,2026-08-01,\n",
        "",
    );
    assert_eq!(codes(&c), ["invalid-value@crm.csv:2"]);
    assert_eq!(
        messages(&c),
        [
            "crm.csv row 2, column 6 (`office`): this row names `region central`, but its rep `ann` is in `region east`"
        ]
    );
    assert_eq!(deal_names(&c), ["y"]);
    assert_eq!(c.model.deals.get(0).unwrap().coords[0].member.0, 1);
}

const ACTUALS_PLAN: &str = r#"plan "p" { period 2026  currency USD  as_of 2026-12-31 }
dimension region "Region" { central "Central"  east "East" }
team c "Central" { region central  rep mei "Mei-Mei Johns" }
strategy s "S"
goal g "G" {
  owner "o"
  target 1M USD
  baseline 900k USD in 2025
  supports s
  split region { central 50%  east rest }
  split rep even
  allow behind-pace
}
actuals g from "erp.csv" {
  period  "Booking Date"
  amount  net
  rep     "Sales Rep"
  region  territory
  dates   "%d/%m/%Y"
  where   status = "Invoiced"
  where   status != "Draft"
}
"#;

#[test]
fn actuals_mapping_filters_rows_reads_dates_and_adds_the_reps_members() {
    let csv = "status,Booking Date,net,Sales Rep,territory\n\
               Invoiced,15/03/2026,\"$1,200\",Mei-Mei Johns,\n\
               Cancelled,16/03/2026,9999,Mei-Mei Johns,Central\n\
               Invoiced,20/03/2026,1.5k USD,mei,Central\n\
               Draft,21/03/2026,7777,mei,Central\n";
    let c = compile_with(ACTUALS_PLAN, &[("erp.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), Vec::<String>::new());
    let goal = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(goal.numbers.actual, Some(d("2700")));
    // Both rows are in central × mei, and of one day each: two rows of the model.
    let rows = &c.model.actuals[0].rows;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.coords.len() == 2));
    let total: Decimal = rows.iter().map(|r| r.amount).sum();
    assert_eq!(total, d("2700"));
}

#[test]
fn rows_of_one_period_and_members_are_summed_as_read() {
    let csv = "status,Booking Date,net,Sales Rep,territory\n\
               Invoiced,15/03/2026,100,mei,Central\n\
               Invoiced,15/03/2026,250,mei,Central\n\
               Invoiced,15/03/2026,-50,mei,\n";
    let c = compile_with(ACTUALS_PLAN, &[("erp.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), Vec::<String>::new());
    let rows = &c.model.actuals[0].rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].amount, d("300"));
}

#[test]
fn a_mapping_that_names_no_column_of_the_file_says_which_there_are() {
    let csv = "status,Booking Date,net,Sales Rep,territory\n";
    let plan = ACTUALS_PLAN.replace("\"Booking Date\"", "booking_date");
    let c = compile_with(plan, &[("erp.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), ["unresolved-name@main.plan:15"]);
    assert_eq!(messages(&c), ["`booking_date` is not a column of erp.csv"]);
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("did you mean `Booking Date`? Write it as the header does, quoted: \"Booking Date\"")
    );
}

#[test]
fn a_mapping_field_that_is_neither_a_statement_nor_a_dimension_is_reported() {
    let plan = ACTUALS_PLAN.replace("region  territory", "regoin  territory");
    let c = compile_with(
        plan,
        &[(
            "erp.csv",
            b"status,Booking Date,net,Sales Rep,territory\n".as_slice(),
        )],
    );
    assert_eq!(codes(&c), ["invalid-value@main.plan:18"]);
    assert_eq!(
        messages(&c),
        ["`regoin` is not something a column can hold here"]
    );
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("a mapping names one of: period, amount, rep, region")
    );
    // A misspelt statement reads as a field and its column: its help names the statement.
    let plan = ACTUALS_PLAN.replace("region  territory", "region  territory\n  skp footer");
    let c = compile_with(
        plan,
        &[(
            "erp.csv",
            b"status,Booking Date,net,Sales Rep,territory\n".as_slice(),
        )],
    );
    assert_eq!(codes(&c), ["invalid-value@main.plan:19"]);
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("did you mean `skip`? Otherwise a mapping names one of: period, amount, rep, region")
    );
}

#[test]
fn an_import_outside_the_project_is_refused_like_actuals() {
    let plan = DEALS_PLAN
        .replace("MISSING", "")
        .replace("\"crm.csv\"", "\"../secret.csv\"");
    let c = compile_with(plan, &[]);
    assert_eq!(codes(&c), ["include-outside-root@main.plan:10"]);
    assert!(c.model.deals.is_empty());
}

#[test]
fn deal_statements_in_an_actuals_mapping_are_reported() {
    let plan = ACTUALS_PLAN.replace(
        "  where   status = \"Invoiced\"",
        "  missing amount deal_size",
    );
    let c = compile_with(
        plan,
        &[(
            "erp.csv",
            b"status,Booking Date,net,Sales Rep,territory\n".as_slice(),
        )],
    );
    assert_eq!(codes(&c), ["invalid-value@main.plan:20"]);
    assert_eq!(
        messages(&c),
        ["`missing` is for deals: actual rows have no funnel"]
    );
}

/// What an export leaves out or writes oddly is said, never read as a wrong number.
#[test]
fn an_empty_stage_a_bare_won_deal_a_short_year_and_a_doubled_sign_are_errors() {
    let csv = "id,agent,deal_stage,value,close_date,office\n\
               no-stage,Ann,,500,2026-08-01,East\n\
               won-no-amount,Ann,Won,,2026-03-01,East\n\
               double,Ann,Open,--5,2026-08-01,East\n\
               fine,Ann,Won,700,2026-03-01,East\n";
    let c = deals(csv, "");
    assert_eq!(
        messages(&c),
        [
            "crm.csv row 2, column 3 (`deal_stage`): this deal has no stage",
            "crm.csv row 3, column 4 (`value`): this won deal has no amount",
            "crm.csv row 4, column 4 (`value`): `--5` is not an amount",
        ]
    );
    assert_eq!(deal_names(&c), ["fine"]);

    // `%Y` would read `26` as the year 26.
    let plan = DEALS_PLAN.replace("MISSING", "dates \"%m/%d/%Y\"");
    let csv = "id,agent,deal_stage,value,close_date,office\n\
               short,Ann,Won,100,07/15/26,East\n\
               long,Ann,Won,100,03/15/2026,East\n";
    let c = compile_with(plan, &[("crm.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), ["invalid-value@crm.csv:2"]);
    assert_eq!(deal_names(&c), ["long"]);
}

#[test]
fn a_mapping_without_stage_is_an_error_and_an_imported_deal_opened_after_it_closes_too() {
    let plan = DEALS_PLAN
        .replace("  stage deal_stage\n", "")
        .replace("MISSING", "");
    let csv = "id,agent,deal_stage,value,close_date,office\na,Ann,Open,500,2026-08-01,East\n";
    let c = compile_with(plan, &[("crm.csv", csv.as_bytes())]);
    assert_eq!(
        messages(&c),
        ["the mapping does not say which column holds each deal's stage"]
    );

    let plan = DEALS_PLAN.replace("MISSING", "opened engaged");
    let csv = "id,agent,deal_stage,value,close_date,office,engaged\n\
               a,Ann,Won,500,2026-03-01,East,2026-04-01\n";
    let c = compile_with(plan, &[("crm.csv", csv.as_bytes())]);
    assert_eq!(
        messages(&c),
        [
            "crm.csv row 2, column 7 (`engaged`): the deal was opened on 2026-04-01, after it closes on 2026-03-01"
        ]
    );
    // The deal stays, without the date that cannot be true.
    assert_eq!(deal_names(&c), ["a"]);
    assert_eq!(c.model.deals.get(0).unwrap().opened, None);
}

#[test]
fn a_label_two_reps_share_names_neither() {
    let plan = DEALS_PLAN
        .replace(
            "rep ann \"Ann\"",
            "rep ann \"Ann Lee\"  rep bea \"Ann Lee\"",
        )
        .replace("MISSING", "");
    let csv = "id,agent,deal_stage,value,close_date,office\n\
               a,Ann Lee,Open,500,2026-08-01,East\n\
               b,bea,Open,500,2026-08-01,East\n";
    let c = compile_with(plan, &[("crm.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), ["ambiguous-member@crm.csv:2"]);
    assert_eq!(deal_names(&c), ["b"]);
}

/// Last month's export and this month's, or a deal written in the plan and exported too:
/// each deal counts once.
#[test]
fn a_deal_in_two_sources_counts_once() {
    let plan = DEALS_PLAN.replace("MISSING", "")
        + "deals from \"crm2.csv\" { funnel f  name id  owner agent  stage deal_stage  amount value  close close_date }\n"
        + "deal b { owner ann  stage won  amount 7k USD  close 2026-03-01 }\n";
    let one = "id,agent,deal_stage,value,close_date,office\na,Ann,Won,500,2026-03-01,East\n";
    let two = "id,agent,deal_stage,value,close_date\na,Ann,Won,500,2026-03-01\nb,Ann,Won,7000,2026-03-01\nc,Ann,Won,1,2026-03-01\n";
    let c = compile_with(
        plan,
        &[("crm.csv", one.as_bytes()), ("crm2.csv", two.as_bytes())],
    );
    assert_eq!(
        codes(&c),
        ["duplicate-name@crm2.csv:2", "duplicate-name@crm2.csv:3"]
    );
    assert_eq!(
        c.diagnostics[0].message,
        "deal `a` is already in the plan: it would count twice"
    );
    assert_eq!(deal_names(&c), ["b", "a", "c"]);
}

/// A mapping's column that matches two headers only ignoring case names neither.
#[test]
fn a_column_two_headers_match_ignoring_case_is_ambiguous() {
    let plan = DEALS_PLAN
        .replace("amount value", "amount AMOUNT")
        .replace("MISSING", "");
    let csv =
        "id,agent,deal_stage,Amount,amount,close_date,office\na,Ann,Open,5,6,2026-08-01,East\n";
    let c = compile_with(plan, &[("crm.csv", csv.as_bytes())]);
    assert_eq!(
        messages(&c),
        ["`AMOUNT` could be any of the columns `Amount`, `amount` of crm.csv"]
    );
}

/// The sum of the first goal's actual rows as read.
fn rows_total(c: &planck::Compilation) -> Decimal {
    c.model.actuals[0].rows.iter().map(|r| r.amount).sum()
}

/// The file, line and message of each diagnostic.
fn located(c: &planck::Compilation) -> Vec<String> {
    c.diagnostics
        .iter()
        .map(|d| {
            let file = c.sources.get(d.span.file).unwrap();
            let line = file.line_col(d.span.start()).line;
            format!("{}@{}:{line}: {}", d.code, file.name, d.message)
        })
        .collect()
}

#[test]
fn a_text_filter_compares_as_cells_match_names_exactly_else_ignoring_case() {
    // `Invoiced` and `INVOICED` are kept by `= "Invoiced"`; `DRAFT` is left out by
    // `!= "Draft"` as `Draft` is; `Invoiced ` with a trailing space is other text.
    let csv = "status,Booking Date,net,Sales Rep,territory\n\
               Invoiced,15/03/2026,100,mei,Central\n\
               INVOICED,16/03/2026,20,mei,Central\n\
               invoiced,17/03/2026,3,mei,Central\n\
               DRAFT,18/03/2026,4000,mei,Central\n\
               Cancelled,19/03/2026,50000,mei,Central\n";
    let c = compile_with(ACTUALS_PLAN, &[("erp.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), Vec::<String>::new());
    let goal = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(goal.numbers.actual, Some(d("123")));
    // And `!=` keeps a row only when its cell is not the text even ignoring case.
    let plan = ACTUALS_PLAN.replace(
        "where   status = \"Invoiced\"\n  where   status != \"Draft\"",
        "where   status != \"cancelled\"\n  where   status != \"draft\"",
    );
    let c = compile_with(plan, &[("erp.csv", csv.as_bytes())]);
    assert_eq!(codes(&c), Vec::<String>::new());
    let goal = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(goal.numbers.actual, Some(d("123")));
}

#[test]
fn a_date_filter_compares_cells_read_with_the_mappings_format() {
    let csv = "status,Booking Date,net,Sales Rep,territory\n\
               Invoiced,31/12/2025,100000,mei,Central\n\
               Invoiced,01/01/2026,100,mei,Central\n\
               Invoiced,02/01/2026,20,mei,Central\n\
               Invoiced,15/03/2026,3,mei,Central\n";
    let filtered = |filter: &str| {
        let plan = ACTUALS_PLAN.replace("where   status != \"Draft\"", filter);
        compile_with(plan, &[("erp.csv", csv.as_bytes())])
    };
    // Last year's row lies outside the plan: reported when a filter keeps it.
    let outside = ["outside-plan-period@erp.csv:2"];
    for (filter, reported, actual) in [
        ("where \"Booking Date\" >= 2026-01-01", &[][..], "123"),
        ("where \"Booking Date\" > 2026-01-01", &[], "23"),
        ("where \"Booking Date\" < 2026-01-02", &outside, "100"),
        ("where \"booking date\" <= 2026-01-02", &outside, "120"),
        ("where \"Booking Date\" = 2026-01-02", &[], "20"),
        ("where \"Booking Date\" != 2025-12-31", &[], "123"),
        ("", &outside, "123"),
    ] {
        let c = filtered(filter);
        assert_eq!(codes(&c), reported, "{filter}");
        // The rows read (a row outside the plan is reported and not read).
        assert_eq!(rows_total(&c), d(actual), "{filter}");
    }
}

#[test]
fn an_amount_filter_compares_amounts_and_a_cell_it_cannot_read_is_reported() {
    let csv = "status,Booking Date,net,Sales Rep,territory\n\
               Invoiced,01/02/2026,\"$1,000\",mei,Central\n\
               Invoiced,02/02/2026,(250.00),mei,Central\n\
               Invoiced,03/02/2026,0,mei,Central\n\
               Invoiced,04/02/2026,lots,mei,Central\n\
               Invoiced,junk,7,mei,Central\n\
               Invoiced,,8,mei,Central\n";
    let plan = ACTUALS_PLAN.replace(
        "where   status != \"Draft\"",
        "where   net > 0\n  where   \"Booking Date\" >= 2026-01-01",
    );
    let c = compile_with(plan, &[("erp.csv", csv.as_bytes())]);
    // A row is never dropped for a cell a filter cannot read: it is reported.
    assert_eq!(
        located(&c),
        [
            "invalid-value@erp.csv:5: erp.csv row 5, column 3 (`net`): `lots` is not an amount, which `where net > 0` compares",
            "invalid-value@erp.csv:6: erp.csv row 6, column 2 (`Booking Date`): `junk` is not a date in the format `%d/%m/%Y`, which `where \"Booking Date\" >= 2026-01-01` compares",
            "invalid-value@erp.csv:7: erp.csv row 7, column 2 (`Booking Date`): the cell is empty, which `where \"Booking Date\" >= 2026-01-01` compares",
        ]
    );
    let helps: Vec<Option<&str>> = c.diagnostics.iter().map(|x| x.help.as_deref()).collect();
    assert_eq!(
        helps,
        [
            Some(
                "write a number such as 260000, 260k, $1,200 or -1500; a row whose cell a filter cannot read is reported, never dropped"
            ),
            Some(
                "correct the cell, or the mapping's `dates` format; a row whose cell a filter cannot read is reported, never dropped"
            ),
            Some(
                "fill the cell with a date; a row whose cell a filter cannot read is reported, never dropped"
            ),
        ]
    );
    // −250 and 0 are not above 0; the rows reported are not read.
    assert_eq!(rows_total(&c), d("1000"));
}

#[test]
fn an_order_between_texts_or_an_impossible_date_in_a_filter_is_an_error() {
    let plan = ACTUALS_PLAN.replace(
        "where   status != \"Draft\"",
        "where   status < \"Invoiced\"\n  where   \"Booking Date\" >= 2026-02-30",
    );
    let c = compile_with(
        plan,
        &[(
            "erp.csv",
            b"status,Booking Date,net,Sales Rep,territory\n".as_slice(),
        )],
    );
    let found: Vec<(String, String, Option<String>)> = c
        .diagnostics
        .iter()
        .map(|x| (codes(&c)[0].clone(), x.message.clone(), x.help.clone()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        codes(&c),
        ["invalid-value@main.plan:21", "invalid-value@main.plan:22"]
    );
    assert_eq!(found[0].1, "`<` compares dates or amounts, not text");
    assert_eq!(
        found[0].2.as_deref(),
        Some(
            "write a date or a number after `<` (`where Date >= 2026-01-01`, `where Amount > 0`), or compare text with `=` or `!=`"
        )
    );
    assert_eq!(
        found[1].1,
        "the date 2026-02-30 does not exist: 2026-02 has no day 30"
    );
}

#[test]
fn accounting_parentheses_and_a_trailing_minus_are_negative_amounts() {
    let csv = "status,Booking Date,net,Sales Rep,territory\n\
               Invoiced,15/03/2026,\"5,000.00\",mei,Central\n\
               Invoiced,15/03/2026,\"(1,000)\",mei,Central\n\
               Invoiced,15/03/2026,\"(1,000.00)\",mei,Central\n\
               Invoiced,15/03/2026,\"($250.50)\",mei,Central\n\
               Invoiced,15/03/2026,\"1,000-\",mei,Central\n\
               Invoiced,15/03/2026,(USD 0.5),mei,Central\n\
               Invoiced,16/03/2026,-(5),mei,Central\n\
               Invoiced,16/03/2026,(5,mei,Central\n";
    let c = compile_with(ACTUALS_PLAN, &[("erp.csv", csv.as_bytes())]);
    assert_eq!(
        located(&c),
        [
            "invalid-value@erp.csv:8: erp.csv row 8, column 3 (`net`): `-(5)` is not an amount",
            "invalid-value@erp.csv:9: erp.csv row 9, column 3 (`net`): `(5` is not an amount",
        ]
    );
    // 5,000 − 1,000 − 1,000 − 250.50 − 1,000 − 0.50.
    let rows = &c.model.actuals[0].rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].amount, d("1749"));
}

/// A goal in `currency`, and its actuals from a file of `cells`, one amount a row.
fn yen(currency: &str, cells: &[&str]) -> planck::Compilation {
    let plan = format!(
        "plan \"p\" {{ period 2026  currency {currency} }}\n\
         goal g \"G\" {{ owner \"o\"  target 1M {currency} }}\n\
         actuals g from \"a.csv\" {{ period month  amount total }}\n"
    );
    let mut csv = String::from("month,total\n");
    for cell in cells {
        csv.push_str(&format!("2026-01,{cell}\n"));
    }
    compile_with(plan, &[("a.csv", csv.as_bytes())])
}

#[test]
fn the_yen_sign_in_either_width_is_yuan_or_yen_and_no_other_currency() {
    for currency in ["CNY", "JPY"] {
        let c = yen(currency, &["¥100", "￥20", "3 ¥", "4￥"]);
        let in_csv: Vec<String> = codes(&c)
            .into_iter()
            .filter(|x| x.contains("a.csv"))
            .collect();
        assert_eq!(in_csv, Vec::<String>::new(), "{currency}");
        assert_eq!(c.model.actuals[0].rows[0].amount, d("127"), "{currency}");
    }
    let c = yen("USD", &["¥100", "￥20", "$3"]);
    let in_csv: Vec<String> = located(&c)
        .into_iter()
        .filter(|x| x.contains("a.csv"))
        .collect();
    assert_eq!(
        in_csv,
        [
            "invalid-value@a.csv:2: a.csv row 2, column 2 (`total`): `¥100` is in ¥ (CNY or JPY), not USD, the currency of these amounts",
            "invalid-value@a.csv:3: a.csv row 3, column 2 (`total`): `￥20` is in ¥ (CNY or JPY), not USD, the currency of these amounts",
        ]
    );
    // A yuan plan refuses a yen code, and the reverse: only the sign is shared.
    let c = yen("JPY", &["100 CNY"]);
    assert!(
        located(&c)
            .iter()
            .any(|x| x.ends_with("`100 CNY` is in CNY, not JPY, the currency of these amounts")),
        "{:?}",
        located(&c)
    );
}

#[test]
fn an_unmatched_sum_of_rows_names_its_first_row_how_many_and_the_last() {
    let plan = r#"plan "p" { period 2026  currency USD }
dimension region { east  west }
goal g "G" { owner "o"  target 1M USD  split region { east 100% } }
actuals g from "a.csv" { period month  amount total  region area }
"#;
    let csv = "month,area,total\n\
               2026-01,west,5\n\
               2026-01,east,1\n\
               2026-01,west,7\n\
               2026-01,west,9\n\
               2026-02,west,2\n";
    let c = compile_with(plan, &[("a.csv", csv.as_bytes())]);
    let unmatched: Vec<&planck::diagnostic::Diagnostic> = c
        .diagnostics
        .iter()
        .filter(|x| x.code.as_str() == "unmatched-actual")
        .collect();
    let found: Vec<String> = located(&c)
        .into_iter()
        .filter(|x| x.starts_with("unmatched-actual"))
        .collect();
    assert_eq!(
        found,
        [
            "unmatched-actual@a.csv:2: this actual and 2 more rows of the same period and members (the last in row 5) match no cell of goal `g`",
            "unmatched-actual@a.csv:6: this actual matches no cell of goal `g`",
        ]
    );
    let last = &unmatched[0].secondary;
    assert_eq!(last.len(), 1);
    let file = c.sources.get(last[0].span.file).unwrap();
    assert_eq!(file.line_col(last[0].span.start()).line, 5);
    assert_eq!(last[0].message, "last of them");
    assert!(unmatched[1].secondary.is_empty());
}

const WON_DEALS_PLAN: &str = r#"plan "p" { period 2026  currency USD  as_of 2026-06-30 }
strategy s "S"
funnel f "F" {
  stage open "Open" { convert 50%  dwell 30d }
  stage won "Won"
}
goal g "Won deals" { owner "o"  target 1M USD  baseline 900k USD in 2025  supports s  funnel f }
goal h "Own actuals" { owner "o"  target 1M USD  baseline 900k USD in 2025  supports s  funnel f }
actuals h { 2026-01 10k }
deals from "crm.csv" {
  funnel f
  name   id
  stage  st
  amount value
  close  closed
}
"#;

#[test]
fn a_deal_that_could_not_be_read_holds_back_the_goal_whose_actuals_are_won_deals() {
    let clean = "id,st,value,closed\nA,Won,100k,2026-03-01\n";
    let c = compile_with(WON_DEALS_PLAN, &[("crm.csv", clean.as_bytes())]);
    assert!(c.allocation.goals[0].is_some());
    let goal = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(goal.numbers.actual, Some(d("100000")));
    let bad = "id,st,value,closed\nA,Won,100k,2026-03-01\nB,won,lots,2026-04-01\n";
    let c = compile_with(WON_DEALS_PLAN, &[("crm.csv", bad.as_bytes())]);
    // `g` would count 100k and miss B: it is held back. `h` counts its own actuals.
    assert!(c.allocation.goals[0].is_none());
    assert!(c.progress.goals[0].is_none());
    assert!(c.allocation.goals[1].is_some());
    assert_eq!(
        codes(&c),
        [
            "behind-pace@main.plan:8",
            "low-coverage@main.plan:8",
            "invalid-value@crm.csv:3"
        ]
    );
    // A mapping that names no funnel there is reads no deal, and holds `g` back too.
    let c = compile_with(
        WON_DEALS_PLAN.replace("funnel f\n  name", "funnel nope\n  name"),
        &[("crm.csv", clean.as_bytes())],
    );
    assert_eq!(
        codes(&c),
        [
            "behind-pace@main.plan:8",
            "low-coverage@main.plan:8",
            "unresolved-name@main.plan:11"
        ]
    );
    assert!(c.allocation.goals[0].is_none());

    // `check` and `compile` agree: `check` reports what `compile` refuses to compile on.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.plan"), WON_DEALS_PLAN).unwrap();
    std::fs::write(dir.path().join("crm.csv"), bad).unwrap();
    let run = |command: &str| {
        Command::new(env!("CARGO_BIN_EXE_planck"))
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args([command, "main.plan", "--format", "json"])
            .output()
            .unwrap()
    };
    let check = run("check");
    assert_eq!(check.status.code(), Some(1));
    let out: Value = serde_json::from_slice(&check.stdout).unwrap();
    let reported: Vec<(&str, &str)> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (s(&x["code"]), s(&x["file"])))
        .collect();
    assert_eq!(
        reported,
        [
            ("behind-pace", "main.plan"),
            ("low-coverage", "main.plan"),
            ("invalid-value", "crm.csv")
        ]
    );
    let compile = Command::new(env!("CARGO_BIN_EXE_planck"))
        .current_dir(dir.path())
        .args(["compile", "main.plan"])
        .output()
        .unwrap();
    assert_eq!(compile.status.code(), Some(1));
    assert!(compile.stdout.is_empty());
}

#[test]
fn skip_footer_leaves_out_the_salesforce_reports_footer_and_without_it_says_so() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let plan =
        std::fs::read_to_string(format!("{dir}/examples/imports/salesforce/plan.plan")).unwrap();
    let csv = std::fs::read(format!(
        "{dir}/examples/imports/salesforce/opportunities.csv"
    ))
    .unwrap();
    // The example's file ends as Salesforce writes a report: its totals, blank lines,
    // a copyright notice, who generated it, the company.
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(
        text.contains(
            "\"Grand Totals (10 records)\"\n\n\n\"Copyright (c) 2000-2026 salesforce.com"
        )
    );
    let c = compile_with(plan.as_str(), &[("opportunities.csv", &csv)]);
    // Only the lint the example's own `planck.toml` relaxes: nothing about the file.
    assert_eq!(codes(&c), ["low-coverage@main.plan:51"]);
    assert_eq!(c.model.deals.len(), 10);
    // Without `skip footer`, each footer line is a row of one field, and the first
    // says how to leave them out.
    let without = plan.replace("  skip footer", "  # skip footer");
    let c = compile_with(without.as_str(), &[("opportunities.csv", &csv)]);
    // The goal, whose actuals are the won deals, is held back: no `low-coverage`.
    assert_eq!(
        codes(&c),
        [
            "syntax@opportunities.csv:12",
            "syntax@opportunities.csv:15",
            "syntax@opportunities.csv:16",
            "syntax@opportunities.csv:17",
            "syntax@opportunities.csv:18",
        ]
    );
    assert_eq!(
        c.diagnostics[0].message,
        "opportunities.csv row 12 has 1 fields but the header has 7"
    );
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some(
            "if this row and those after it are the report's footer (totals, a copyright line), add `skip footer` to the mapping; otherwise give every row one field per header column"
        )
    );
    assert_eq!(c.model.deals.len(), 10);
}

#[test]
fn skip_footer_skips_only_the_rows_that_end_the_file() {
    // A row holding only its first cell before more data is a row like any other; the
    // last two (one a first cell followed by empty ones, as spreadsheets save a totals
    // row) are the footer.
    let csv = "id,agent,deal_stage,value,close_date,office\n\
               A-1,Ann,Open,100,2026-08-01,East\n\
               Subtotal\n\
               A-2,Ann,Open,200,2026-08-01,East\n\
               \"Total (2 records)\",,,,,\n\
               Generated by the CRM\n";
    let c = deals(csv, "skip footer");
    assert_eq!(codes(&c), ["syntax@crm.csv:3"]);
    assert_eq!(deal_names(&c), ["A-1", "A-2"]);
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("give every row one field per header column (an empty field is allowed)")
    );
    // Given twice, `skip footer` is a repeated statement.
    let c = deals(csv, "skip footer\n  skip footer");
    assert_eq!(
        codes(&c),
        ["duplicate-name@main.plan:19", "syntax@crm.csv:3"]
    );
}
