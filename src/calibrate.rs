//! `planck calibrate`: what each funnel's history of won and lost deals says, beside what
//! the plan assumes.
//!
//! For a funnel, its **history** is its won and lost deals with a close date on or before
//! `as_of` (every one without `as_of`); with `since`, only those opened or closed on or
//! after it. From the history:
//!
//! - **win rate**: won ÷ closed;
//! - **deal size**: the average amount of the won deals in one unit (the funnel's
//!   `deal_size` unit, else the plan's currency, else the unit most won deals have); won
//!   deals in another unit are counted apart and left out of the average;
//! - **cycle**: the average days from `opened` to `close` of the won deals that have both;
//! - **by grade**: won ÷ closed of the closed deals of each grade that some have;
//! - **by age**: for each 30-day band, of the closed deals that were still open that many
//!   days after `opened`, the share that was won (ages of 720 days and more form one band).
//!
//! **Inflow** counts the funnel's deals of any state by their `opened` date: those opened
//! in the window from `since` (else the earliest `opened`) to `as_of` (else the latest
//! `opened`), divided by the window's length in months, counted as `inflow … per month`
//! counts them (calendar months, a partial month by its share of days).
//!
//! The plan's own values: the win rate and cycle of [`pipeline::stats`], the funnel's
//! `deal_size`, and its `inflow` as deals per month (per quarter ÷ 3, per year ÷ 12; per
//! day and per week over the window's days and months, else the plan period's).
//!
//! Every figure is an exact decimal; averages are rounded only when printed. One pass
//! over the deals, so the time is linear in their number.
//!
//! Invariant: pure; reads only the model.

use crate::emit::compile::{Dec, RATIO_PLACES};
use crate::model::{DealState, FunnelId, Model};
use crate::period::Period;
use crate::pipeline;
use crate::report::table::{self, Align, Table};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The width of an age band, in days.
pub const BAND_DAYS: i64 = 30;
/// The number of age bands: the last one holds every age from `(BANDS − 1) × 30` days on.
pub const BANDS: usize = 25;

/// What to calibrate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Only this funnel (else every one).
    pub funnel: Option<FunnelId>,
    /// Only deals opened or closed on or after this day.
    pub since: Option<NaiveDate>,
}

/// The history of every funnel asked for, in the order they are defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calibration {
    pub as_of: Option<NaiveDate>,
    pub since: Option<NaiveDate>,
    pub funnels: Vec<FunnelHistory>,
}

/// What one funnel's history says, and what its plan assumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelHistory {
    pub funnel: FunnelId,
    pub closed: u64,
    pub won: u64,
    pub lost: u64,
    /// won ÷ closed; `None` without closed deals.
    pub win_rate: Option<Decimal>,
    /// The average won amount in [`FunnelHistory::unit`]; `None` without such a deal (or,
    /// for amounts beyond a decimal, when even the average is).
    pub deal_size: Option<Decimal>,
    pub unit: Option<String>,
    /// The won deals averaged into the deal size.
    pub sized: u64,
    /// Won deals with an amount in another unit, left out of the deal size.
    pub other_units: u64,
    /// The average days from `opened` to `close` of won deals with both.
    pub cycle_days: Option<Decimal>,
    /// The won deals with both dates.
    pub cycled: u64,
    /// Deals opened per month over [`FunnelHistory::window`].
    pub inflow_per_month: Option<Decimal>,
    /// Deals opened inside the window.
    pub opened: u64,
    /// The days inflow is counted over, and their length in months.
    pub window: Option<(Period, Decimal)>,
    pub planned: Planned,
    pub grades: Vec<GradeHistory>,
    pub age_bands: Vec<AgeBand>,
}

/// The plan's own values for a funnel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Planned {
    pub win_rate: Option<Decimal>,
    /// The funnel's `deal_size`, with its unit.
    pub deal_size: Option<(Decimal, String)>,
    /// The sum of the stages' dwell, when some stage has one.
    pub cycle_days: Option<Decimal>,
    pub inflow_per_month: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeHistory {
    pub grade: crate::model::GradeId,
    pub closed: u64,
    pub won: u64,
    pub win_rate: Option<Decimal>,
}

/// Of the closed deals still open `from_days` after they were opened, how many were won.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBand {
    pub from_days: i64,
    /// The first day of the next band; `None` for the last band, which has no end.
    pub to_days: Option<i64>,
    pub open: u64,
    pub won: u64,
    pub win_rate: Option<Decimal>,
}

/// The counts of one funnel, gathered in one pass over the deals.
#[derive(Default)]
struct Tally {
    closed: u64,
    won: u64,
    /// Won amounts by unit: (unit, count, sum; `None` once the sum is beyond a decimal).
    amounts: Vec<(String, u64, Option<Decimal>)>,
    cycled: u64,
    cycle_sum: i128,
    opened: u64,
    first_opened: Option<NaiveDate>,
    last_opened: Option<NaiveDate>,
    /// Per grade some closed deal has: (closed, won). A map, so that many funnels and
    /// many grades cost only what the deals use.
    grades: crate::hash::Map<u32, (u64, u64)>,
    /// Closed deals by the band of their age at close: (closed, won).
    ages: [(u64, u64); BANDS],
}

/// The calibration of the funnels of `model` (as of the plan's `as_of`).
pub fn calibrate(model: &Model, options: &Options) -> Calibration {
    let as_of = model.plan.as_of;
    let since = options.since;
    let mut tallies: Vec<Tally> = model.funnels.iter().map(|_| Tally::default()).collect();
    for deal in &model.deals {
        let Some(f) = deal.funnel else { continue };
        if options.funnel.is_some_and(|only| only != f) {
            continue;
        }
        let (Some(tally), Some(funnel)) =
            (tallies.get_mut(f.index()), model.funnels.get(f.index()))
        else {
            continue;
        };
        if let Some(opened) = deal.opened
            && as_of.is_none_or(|a| opened <= a)
            && since.is_none_or(|s| opened >= s)
        {
            tally.opened += 1;
            tally.first_opened = Some(tally.first_opened.map_or(opened, |d| d.min(opened)));
            tally.last_opened = Some(tally.last_opened.map_or(opened, |d| d.max(opened)));
        }
        let state = match deal.stage {
            Some(stage) if !deal.stage_invalid => funnel.state(stage),
            _ => continue,
        };
        let Some(close) = deal.close else { continue };
        let in_history = state != DealState::Open
            && as_of.is_none_or(|a| close <= a)
            && since.is_none_or(|s| close >= s || deal.opened.is_some_and(|o| o >= s));
        if !in_history {
            continue;
        }
        let won = state == DealState::Won;
        tally.closed += 1;
        tally.won += u64::from(won);
        if let Some(g) = deal.grade {
            let counts = tally.grades.entry(g.0).or_default();
            counts.0 += 1;
            counts.1 += u64::from(won);
        }
        let age = deal.opened.map(|o| (close - o).num_days());
        if let Some(age) = age.filter(|a| *a >= 0) {
            let band = usize::try_from(age / BAND_DAYS).map_or(BANDS - 1, |b| b.min(BANDS - 1));
            if let Some(counts) = tally.ages.get_mut(band) {
                counts.0 += 1;
                counts.1 += u64::from(won);
            }
        }
        if !won {
            continue;
        }
        if let Some(age) = age {
            tally.cycled += 1;
            tally.cycle_sum += i128::from(age);
        }
        if let Some(amount) = &deal.amount {
            match tally.amounts.iter_mut().find(|(u, _, _)| *u == amount.unit) {
                Some((_, n, sum)) => {
                    *n += 1;
                    *sum = sum.and_then(|s| s.checked_add(amount.value));
                }
                None => tally
                    .amounts
                    .push((amount.unit.to_string(), 1, Some(amount.value))),
            }
        }
    }
    let funnels = tallies
        .into_iter()
        .enumerate()
        .filter(|(i, _)| options.funnel.is_none_or(|f| f.index() == *i))
        .map(|(i, tally)| history(model, FunnelId(i as u32), tally, options))
        .collect();
    Calibration {
        as_of,
        since,
        funnels,
    }
}

/// `n ÷ d` as an exact decimal; `None` when `d` is zero.
fn ratio(n: u64, d: u64) -> Option<Decimal> {
    if d == 0 {
        return None;
    }
    Decimal::from(n).checked_div(Decimal::from(d))
}

fn history(model: &Model, id: FunnelId, tally: Tally, options: &Options) -> FunnelHistory {
    let funnel = model.funnels.get(id.index());
    let planned_size = funnel
        .and_then(|f| f.deal_size.as_ref())
        .map(|a| (a.value, a.unit.to_string()));
    // The unit of the deal size: the plan's, else the plan currency, else the most
    // common among the won deals (the first written on a tie).
    let unit = planned_size
        .as_ref()
        .map(|(_, u)| u.clone())
        .or_else(|| model.plan.currency.clone())
        .or_else(|| {
            let mut best: Option<&(String, u64, Option<Decimal>)> = None;
            for entry in &tally.amounts {
                if best.is_none_or(|b| entry.1 > b.1) {
                    best = Some(entry);
                }
            }
            best.map(|(u, _, _)| u.clone())
        });
    let in_unit = tally
        .amounts
        .iter()
        .find(|(u, _, _)| Some(u) == unit.as_ref());
    let sized = in_unit.map_or(0, |(_, n, _)| *n);
    let other_units = tally
        .amounts
        .iter()
        .filter(|(u, _, _)| Some(u) != unit.as_ref())
        .map(|(_, n, _)| n)
        .sum();
    let deal_size = in_unit.and_then(|(u, n, sum)| match sum {
        Some(sum) => sum.checked_div(Decimal::from(*n)),
        None => mean_of_large(model, id, u, *n, options),
    });
    let cycle_days = (tally.cycled > 0)
        .then(|| Decimal::try_from_i128_with_scale(tally.cycle_sum, 0).ok())
        .flatten()
        .and_then(|sum| sum.checked_div(Decimal::from(tally.cycled)));

    let as_of = model.plan.as_of;
    let window = match (
        options.since.or(tally.first_opened),
        as_of.or(tally.last_opened),
    ) {
        (Some(start), Some(end)) if start <= end => {
            let period = Period { start, end };
            pipeline::units_in(&period, "month").map(|months| (period, months))
        }
        _ => None,
    };
    let inflow_per_month = window
        .as_ref()
        .filter(|_| tally.opened > 0)
        .and_then(|(_, months)| Decimal::from(tally.opened).checked_div(*months));

    let stats = funnel.and_then(pipeline::stats);
    let planned = Planned {
        win_rate: stats.as_ref().map(|s| s.win_rate),
        deal_size: planned_size,
        cycle_days: stats
            .as_ref()
            .and_then(|s| s.cycle_days)
            .filter(|_| funnel.is_some_and(|f| f.stages.iter().any(|s| s.dwell_days.is_some()))),
        inflow_per_month: funnel.and_then(|f| {
            let (value, per) = f.inflow.as_ref()?;
            let over = window.map(|(p, _)| p).or(model.plan.period);
            per_month(*value, per, over.as_ref())
        }),
    };

    let mut grades: Vec<GradeHistory> = tally
        .grades
        .iter()
        .map(|(&g, &(closed, won))| GradeHistory {
            grade: crate::model::GradeId(g),
            closed,
            won,
            win_rate: ratio(won, closed),
        })
        .collect();
    grades.sort_unstable_by_key(|g| g.grade);

    // Deals still open at the start of a band: those whose age at close lies in that band
    // or a later one.
    let last = tally.ages.iter().rposition(|(n, _)| *n > 0);
    let mut age_bands = Vec::new();
    if let Some(last) = last {
        let (mut open, mut won) = (0u64, 0u64);
        let mut reversed = Vec::with_capacity(last + 1);
        for (band, &(n, w)) in tally.ages.iter().enumerate().take(last + 1).rev() {
            open += n;
            won += w;
            let from_days = band as i64 * BAND_DAYS;
            reversed.push(AgeBand {
                from_days,
                to_days: (band + 1 < BANDS).then_some(from_days + BAND_DAYS),
                open,
                won,
                win_rate: ratio(won, open),
            });
        }
        reversed.reverse();
        age_bands = reversed;
    }

    FunnelHistory {
        funnel: id,
        closed: tally.closed,
        won: tally.won,
        lost: tally.closed - tally.won,
        win_rate: ratio(tally.won, tally.closed),
        deal_size,
        unit,
        sized,
        other_units,
        cycle_days,
        cycled: tally.cycled,
        inflow_per_month,
        opened: tally.opened,
        window,
        planned,
        grades,
        age_bands,
    }
}

/// An inflow of `value` per `per` as deals per month: per quarter ÷ 3, per year ÷ 12;
/// per day or week over the days and months of `over`.
pub fn per_month(value: Decimal, per: &str, over: Option<&Period>) -> Option<Decimal> {
    match per {
        "month" => Some(value),
        "quarter" => value.checked_div(Decimal::from(3)),
        "year" => value.checked_div(Decimal::from(12)),
        _ => {
            let over = over?;
            let units = pipeline::units_in(over, per)?;
            let months = pipeline::units_in(over, "month")?;
            value.checked_mul(units)?.checked_div(months)
        }
    }
}

/// The average of won amounts whose sum is beyond a decimal: each amount's share added
/// up (exact to the last of a decimal's digits per term). A second pass over the deals,
/// taken only then.
fn mean_of_large(
    model: &Model,
    id: FunnelId,
    unit: &str,
    n: u64,
    options: &Options,
) -> Option<Decimal> {
    let count = Decimal::from(n);
    let as_of = model.plan.as_of;
    let funnel = model.funnels.get(id.index())?;
    let mut mean = Decimal::ZERO;
    for deal in &model.deals {
        let (Some(stage), Some(close), Some(amount)) = (deal.stage, deal.close, &deal.amount)
        else {
            continue;
        };
        let counted = deal.funnel == Some(id)
            && !deal.stage_invalid
            && funnel.state(stage) == DealState::Won
            && amount.unit == unit
            && as_of.is_none_or(|a| close <= a)
            && options
                .since
                .is_none_or(|s| close >= s || deal.opened.is_some_and(|o| o >= s));
        if counted {
            mean = mean.checked_add(amount.value.checked_div(count)?)?;
        }
    }
    Some(mean)
}

/// How much more optimistic the plan is than history: planned ÷ observed − 1. `None`
/// when either is unknown or history is zero.
pub fn relative(planned: Option<Decimal>, observed: Option<Decimal>) -> Option<Decimal> {
    let (planned, observed) = (planned?, observed?);
    if observed.is_zero() {
        return None;
    }
    planned.checked_div(observed)?.checked_sub(Decimal::ONE)
}

impl FunnelHistory {
    /// The plan's deal size when it is in the unit of the observed one.
    pub fn planned_size_in_unit(&self) -> Option<Decimal> {
        self.planned
            .deal_size
            .as_ref()
            .filter(|(_, u)| Some(u) == self.unit.as_ref())
            .map(|(v, _)| *v)
    }
}

// ------------------------------------------------------------ output

/// Amounts in the output: to the cent.
const AMOUNT_PLACES: u32 = 2;
/// Days and deals per month in the output.
const RATE_PLACES: u32 = 2;

fn dec(value: Option<Decimal>, places: u32) -> Option<Dec> {
    value.map(|v| Dec(v.round_dp(places)))
}

#[derive(Serialize)]
struct JsonOut<'m> {
    version: u32,
    as_of: Option<String>,
    since: Option<String>,
    funnels: Vec<FunnelOut<'m>>,
}

#[derive(Serialize)]
struct FunnelOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
    closed: u64,
    won: u64,
    lost: u64,
    win_rate: Option<Dec>,
    deal_size: Option<Dec>,
    unit: Option<&'m str>,
    deal_size_sample: u64,
    other_units: u64,
    cycle_days: Option<Dec>,
    cycle_sample: u64,
    inflow_per_month: Option<Dec>,
    inflow_sample: u64,
    inflow_window: Option<WindowOut>,
    planned: PlannedOut<'m>,
    difference: DifferenceOut,
    grades: Vec<GradeOut<'m>>,
    age_bands: Vec<BandOut>,
}

#[derive(Serialize)]
struct WindowOut {
    start: String,
    end: String,
    months: Dec,
}

#[derive(Serialize)]
struct PlannedOut<'m> {
    win_rate: Option<Dec>,
    deal_size: Option<Dec>,
    unit: Option<&'m str>,
    cycle_days: Option<Dec>,
    inflow_per_month: Option<Dec>,
}

/// planned ÷ observed − 1 for each figure.
#[derive(Serialize)]
struct DifferenceOut {
    win_rate: Option<Dec>,
    deal_size: Option<Dec>,
    cycle_days: Option<Dec>,
    inflow_per_month: Option<Dec>,
}

#[derive(Serialize)]
struct GradeOut<'m> {
    name: &'m str,
    closed: u64,
    won: u64,
    win_rate: Option<Dec>,
    planned: Option<Dec>,
}

#[derive(Serialize)]
struct BandOut {
    from_days: i64,
    to_days: Option<i64>,
    open: u64,
    won: u64,
    win_rate: Option<Dec>,
}

/// The differences of a funnel's figures, planned against observed.
struct Differences {
    win_rate: Option<Decimal>,
    deal_size: Option<Decimal>,
    cycle_days: Option<Decimal>,
    inflow_per_month: Option<Decimal>,
}

fn differences(h: &FunnelHistory) -> Differences {
    Differences {
        win_rate: relative(h.planned.win_rate, h.win_rate),
        deal_size: relative(h.planned_size_in_unit(), h.deal_size),
        cycle_days: relative(h.planned.cycle_days, h.cycle_days),
        inflow_per_month: relative(h.planned.inflow_per_month, h.inflow_per_month),
    }
}

/// The calibration as the JSON object of `planck calibrate --format json`.
pub fn json(model: &Model, calibration: &Calibration) -> serde_json::Result<String> {
    let ratio = |v| dec(v, RATIO_PLACES);
    let funnels = calibration
        .funnels
        .iter()
        .filter_map(|h| {
            let f = model.funnels.get(h.funnel.index())?;
            let diff = differences(h);
            Some(FunnelOut {
                name: &f.name,
                label: f.label.as_deref(),
                closed: h.closed,
                won: h.won,
                lost: h.lost,
                win_rate: ratio(h.win_rate),
                deal_size: dec(h.deal_size, AMOUNT_PLACES),
                unit: h.unit.as_deref(),
                deal_size_sample: h.sized,
                other_units: h.other_units,
                cycle_days: dec(h.cycle_days, RATE_PLACES),
                cycle_sample: h.cycled,
                inflow_per_month: dec(h.inflow_per_month, RATE_PLACES),
                inflow_sample: h.opened,
                inflow_window: h.window.map(|(p, months)| WindowOut {
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                    months: Dec(months.round_dp(RATIO_PLACES)),
                }),
                planned: PlannedOut {
                    win_rate: ratio(h.planned.win_rate),
                    deal_size: dec(h.planned.deal_size.as_ref().map(|d| d.0), AMOUNT_PLACES),
                    unit: h.planned.deal_size.as_ref().map(|d| d.1.as_str()),
                    cycle_days: dec(h.planned.cycle_days, RATE_PLACES),
                    inflow_per_month: dec(h.planned.inflow_per_month, RATE_PLACES),
                },
                difference: DifferenceOut {
                    win_rate: ratio(diff.win_rate),
                    deal_size: ratio(diff.deal_size),
                    cycle_days: ratio(diff.cycle_days),
                    inflow_per_month: ratio(diff.inflow_per_month),
                },
                grades: h
                    .grades
                    .iter()
                    .filter_map(|g| {
                        let grade = model.grades.get(g.grade.index())?;
                        Some(GradeOut {
                            name: &grade.name,
                            closed: g.closed,
                            won: g.won,
                            win_rate: ratio(g.win_rate),
                            planned: grade.probability.map(Dec),
                        })
                    })
                    .collect(),
                age_bands: h
                    .age_bands
                    .iter()
                    .map(|b| BandOut {
                        from_days: b.from_days,
                        to_days: b.to_days,
                        open: b.open,
                        won: b.won,
                        win_rate: ratio(b.win_rate),
                    })
                    .collect(),
            })
        })
        .collect();
    let out = JsonOut {
        version: 1,
        as_of: calibration.as_of.map(|d| d.to_string()),
        since: calibration.since.map(|d| d.to_string()),
        funnels,
    };
    let mut text = serde_json::to_string_pretty(&out)?;
    text.push('\n');
    Ok(text)
}

/// "12 won" style counts: "1 deal", "3 deals".
fn deals(n: u64) -> String {
    if n == 1 {
        "1 deal".to_string()
    } else {
        format!("{n} deals")
    }
}

/// A signed relative difference: "+66.7%", "−20%"; "—" when unknown.
fn signed_percent(value: Option<Decimal>) -> String {
    match value.and_then(|v| v.checked_mul(Decimal::ONE_HUNDRED)) {
        Some(p) => {
            let p = p.round_dp(1).normalize();
            if p.is_zero() {
                "0%".to_string()
            } else if p.is_sign_negative() {
                format!("−{}%", p.abs())
            } else {
                format!("+{}%", p.abs())
            }
        }
        None => "—".to_string(),
    }
}

/// An amount with its unit, to the cent: "250k CNY"; "—" when unknown.
fn amount_in(value: Option<Decimal>, unit: Option<&str>) -> String {
    match (value, unit) {
        (Some(v), Some(u)) => format!("{} {u}", crate::fmt_num::amount(v.round_dp(AMOUNT_PLACES))),
        (Some(v), None) => crate::fmt_num::amount(v.round_dp(AMOUNT_PLACES)),
        (None, _) => "—".to_string(),
    }
}

fn number(value: Option<Decimal>, suffix: &str) -> String {
    value.map_or_else(
        || "—".to_string(),
        |v| format!("{}{suffix}", v.round_dp(RATE_PLACES).normalize()),
    )
}

/// `name "label"`, or the name alone.
fn named(name: &str, label: Option<&str>) -> String {
    match label {
        Some(l) => format!("{name} \"{l}\""),
        None => name.to_string(),
    }
}

/// The tables of `planck calibrate`'s text output, one group per funnel.
pub fn tables(model: &Model, calibration: &Calibration) -> Vec<(Table, Vec<String>)> {
    let mut out = Vec::new();
    for h in &calibration.funnels {
        let Some(f) = model.funnels.get(h.funnel.index()) else {
            continue;
        };
        let diff = differences(h);
        let by = calibration
            .as_of
            .map_or_else(String::new, |d| format!(" closed by {d}"));
        let title = format!(
            "funnel {}: {}{by} ({} won, {} lost)",
            named(&f.name, f.label.as_deref()),
            deals(h.closed),
            h.won,
            h.lost
        );
        let planned_unit = h.planned.deal_size.as_ref().map(|d| d.1.as_str());
        let rows = vec![
            vec![
                "win rate".to_string(),
                table::percent(h.win_rate),
                format!("{} closed", h.closed),
                table::percent(h.planned.win_rate),
                signed_percent(diff.win_rate),
            ],
            vec![
                "deal size".to_string(),
                amount_in(h.deal_size, h.unit.as_deref()),
                format!("{} won", h.sized),
                amount_in(h.planned.deal_size.as_ref().map(|d| d.0), planned_unit),
                signed_percent(diff.deal_size),
            ],
            vec![
                "cycle".to_string(),
                number(h.cycle_days, " d"),
                format!("{} won", h.cycled),
                number(h.planned.cycle_days, " d"),
                signed_percent(diff.cycle_days),
            ],
            vec![
                "inflow per month".to_string(),
                number(h.inflow_per_month, ""),
                format!("{} opened", h.opened),
                number(h.planned.inflow_per_month, ""),
                signed_percent(diff.inflow_per_month),
            ],
        ];
        let mut notes = Vec::new();
        if let Some(since) = calibration.since {
            notes.push(format!(
                "history: the deals opened or closed on or after {since}"
            ));
        }
        if let Some((window, months)) = h.window {
            notes.push(format!(
                "inflow: {} opened from {} to {} ({} months)",
                deals(h.opened),
                window.start,
                window.end,
                months.round_dp(RATE_PLACES).normalize()
            ));
        }
        if h.other_units > 0 {
            notes.push(format!(
                "deal size: {} won in other units than {} left out",
                deals(h.other_units),
                h.unit.as_deref().unwrap_or("the plan's")
            ));
        }
        out.push((
            Table {
                title,
                columns: vec![
                    ("figure".into(), Align::Left),
                    ("history".into(), Align::Right),
                    ("sample".into(), Align::Right),
                    ("plan".into(), Align::Right),
                    ("plan vs history".into(), Align::Right),
                ],
                keys: 1,
                rows,
                status: None,
            },
            notes,
        ));
        let graded: Vec<Vec<String>> = h
            .grades
            .iter()
            .filter_map(|g| {
                let grade = model.grades.get(g.grade.index())?;
                Some(vec![
                    named(&grade.name, grade.label.as_deref()),
                    g.closed.to_string(),
                    g.won.to_string(),
                    table::percent(g.win_rate),
                    table::percent(grade.probability),
                ])
            })
            .collect();
        if !graded.is_empty() {
            out.push((
                Table {
                    title: format!("funnel {}: win rate by grade", f.name),
                    columns: vec![
                        ("grade".into(), Align::Left),
                        ("closed".into(), Align::Right),
                        ("won".into(), Align::Right),
                        ("win rate".into(), Align::Right),
                        ("plan".into(), Align::Right),
                    ],
                    keys: 1,
                    rows: graded,
                    status: None,
                },
                Vec::new(),
            ));
        }
        if !h.age_bands.is_empty() {
            let rows = h
                .age_bands
                .iter()
                .map(|b| {
                    vec![
                        format!("{} d", b.from_days),
                        b.open.to_string(),
                        b.won.to_string(),
                        table::percent(b.win_rate),
                    ]
                })
                .collect();
            out.push((
                Table {
                    title: format!(
                        "funnel {}: win rate of the closed deals still open after so many days",
                        f.name
                    ),
                    columns: vec![
                        ("open after".into(), Align::Left),
                        ("still open".into(), Align::Right),
                        ("won".into(), Align::Right),
                        ("win rate".into(), Align::Right),
                    ],
                    keys: 1,
                    rows,
                    status: None,
                },
                Vec::new(),
            ));
        }
    }
    out
}

/// The calibration as aligned text for a terminal (no colour).
pub fn text(model: &Model, calibration: &Calibration) -> String {
    let groups = tables(model, calibration);
    if groups.is_empty() {
        return "no funnel to calibrate\n".to_string();
    }
    let mut out = String::new();
    for (table, notes) in &groups {
        out.push_str(&crate::report::text::table_text(table));
        for note in notes {
            out.push_str(&crate::source::escape_control(note));
            out.push('\n');
        }
        if !notes.is_empty() {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn inflow_converts_to_a_month() {
        assert_eq!(per_month(d("30"), "quarter", None), Some(d("10")));
        assert_eq!(per_month(d("24"), "year", None), Some(d("2")));
        assert_eq!(per_month(d("5"), "day", None), None);
        // February 2026: 28 days, one month.
        let feb = Period {
            start: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
        };
        assert_eq!(per_month(d("5"), "day", Some(&feb)), Some(d("140")));
        assert_eq!(per_month(d("7"), "week", Some(&feb)), Some(d("28")));
    }

    #[test]
    fn differences_are_relative_and_signed() {
        assert_eq!(relative(Some(d("0.3")), Some(d("0.25"))), Some(d("0.2")));
        assert_eq!(relative(Some(d("1")), Some(d("0"))), None);
        assert_eq!(relative(None, Some(d("1"))), None);
        assert_eq!(signed_percent(Some(d("0.2"))), "+20%");
        assert_eq!(signed_percent(Some(d("-0.6190476"))), "−61.9%");
        assert_eq!(signed_percent(Some(d("0.00001"))), "0%");
        assert_eq!(signed_percent(None), "—");
    }
}
