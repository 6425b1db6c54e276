//! The CSV reader for actuals: a fixed plan reads its actuals from `a.csv`, which is the
//! fuzz input. The plan has Chinese names, teams by segment, a rep starting mid-year and
//! time splits down to months, so rows reach every column and period kind. Every phase runs
//! to cells (progress needs them); the diagnostics are rendered in every format and, when
//! there is no error, the compile JSON is written and parsed back.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planck::alloc::Detail;

mod common;

/// Its actuals come from `a.csv`, with the columns `period`, `segment`, `区域`, `rep` and
/// `amount`.
const PLAN: &str = r#"
plan "FY2026 华东" { period 2026-04-01..2027-03-31  currency CNY  as_of 2026-09-30 }
dimension segment { enterprise midmarket smb }
dimension 区域 "区域" { 华东 华北 }
team 企业团队 { segment enterprise
  rep avery { capacity 9M CNY }  rep jordan { capacity 8M CNY }
  rep 陈爱丽 { capacity 9M CNY  start 2026-07  ramp 50% 80% } }
team casey_team { segment midmarket  rep casey { capacity 6M CNY }  rep riley { capacity 5M CNY } }
team taylor_team { segment smb  rep taylor { capacity 5M CNY } }
goal bookings "新签合同额" { owner "销售副总裁"  target 20M CNY  baseline 18M CNY in 2025-04-01..2026-03-31
  allow orphan-goal  allow behind-pace
  split segment { enterprise 50% { split rep by capacity }  midmarket 30% { split rep even }  smb rest { split rep even } }
  split 区域 { 华东 60%  华北 rest }
  split quarter { Q1 20%  Q2 24%  Q3 26%  Q4 30% }
  split month even }
actuals bookings from "a.csv"
"#;

fuzz_target!(|data: &[u8]| {
    let c = common::compile(PLAN.as_bytes(), &[("a.csv", data)], Detail::Cells);
    common::assert_diagnostics_valid(&c.sources, &c.diagnostics);
    common::render_all(&c.sources, &c.diagnostics);
    common::write_compile_json(&c);
});
