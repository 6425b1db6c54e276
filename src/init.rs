//! The starter files `planck init` writes.

/// A small, valid, commented plan that checks clean.
pub const STARTER_PLAN: &str = r#"# A sales plan, checked by planck. Run `planck check` in this folder.
# `planck explain CODE` explains any diagnostic it reports.

plan "2026 sales plan" {
  period 2026             # the time frame of everything below
  currency CNY            # the plan's money unit
}

# What goals are relevant to.
strategy grow_key_accounts "Grow key accounts"

# A decomposition axis, with attributes a split can weigh by.
dimension region "Region" {
  east  "East"  { potential 30M CNY }
  north "North" { potential 20M CNY }
}

# Teams and their reps; `region east` ties the team to that member.
team east_team "East team" {
  region east
  rep alice "Alice" { capacity 1.5M CNY }
  rep bob   "Bob"   { capacity 1.5M CNY  start 2026-04  ramp 50% 75% }
}

team north_team "North team" {
  region north
  rep carol "Carol" { capacity 2M CNY }
}

goal revenue "2026 revenue" {
  owner "Head of sales"              # S: who is accountable
  target 4M CNY                      # M: what to reach
  baseline 3.5M CNY in 2025          # A: last year's result (+14%)
  supports grow_key_accounts         # R: the strategy it serves
  # T: the plan period, unless `period` says otherwise

  split region {
    east 55% {
      split rep by capacity          # east's part, by each rep's effective capacity
    }
    north rest                       # whatever east leaves
  }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }
}
"#;

/// A `planck.toml` with the defaults written out.
pub const STARTER_CONFIG: &str = r#"# planck configuration. Every value below is the default.

[policy]
max_growth = "50%"       # growth-exceeds-policy above this growth over baseline
min_coverage = 3.0       # low-coverage below this pipeline coverage
pace_tolerance = "90%"   # behind-pace below this share of expected-to-date

[policy.rounding]        # rounding unit per goal unit (defaults: 0.01 for currencies, 1 for counts)
# CNY = "0.01"

[lints]                  # allow | warn | deny, per diagnostic code
# missing-baseline = "warn"
"#;
