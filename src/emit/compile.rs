//! `planck compile`: the resolved, allocated plan as one JSON object.
//!
//! The output is a contract (see `docs/json.md` and `planck schema`): it has its own
//! types here, written straight from the model, so the model can change without breaking
//! it. Cells are serialized as they are walked, without an intermediate copy, because a
//! large plan has millions of them. The same input always gives the same bytes.

use crate::alloc::{Allocation, GoalAllocation};
use crate::model::{DimRef, MemberRef, Model, Owner};
use crate::period::{Period, Slice, TimeDim};
use crate::pipeline;
use crate::progress::{Numbers, Progress};
use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::io::Write;

/// The JSON Schema of the output, as `planck schema` prints it.
pub const SCHEMA: &str = include_str!("compile.schema.json");

/// Names of time slices, computed once.
struct Names<'m> {
    model: &'m Model,
    slices: HashMap<TimeDim, Vec<Slice>>,
}

/// A decimal in plain notation without trailing zeros: "240000", "0.08".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodOut(pub Period);

impl Serialize for PeriodOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Period", 2)?;
        st.serialize_field("start", &self.0.start.to_string())?;
        st.serialize_field("end", &self.0.end.to_string())?;
        st.end()
    }
}

#[derive(Serialize)]
struct PlanOut<'m> {
    name: Option<&'m str>,
    period: Option<PeriodOut>,
    currency: Option<&'m str>,
    as_of: Option<String>,
}

#[derive(Serialize)]
struct BaselineOut {
    value: Dec,
    period: PeriodOut,
}

/// A goal without its allocations, which are written separately (see [`write_cells`]).
#[derive(Serialize)]
struct GoalOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
    owner: Option<&'m str>,
    unit: &'m str,
    target: Dec,
    baseline: Option<BaselineOut>,
    period: Option<PeriodOut>,
    supports: Vec<&'m str>,
    parent: Option<&'m str>,
    funnel: Option<&'m str>,
    /// The rounding unit every allocated value is a multiple of.
    rounding: Option<Dec>,
    /// The dimensions split on, in the order they were applied on the way to some leaf.
    splits: Vec<&'m str>,
    /// With a funnel: what it can carry over the goal's period, and the entries needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    funnel_capacity: Option<Dec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entries_needed: Option<Dec>,
    /// Progress, for plans with actuals or deals.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    progress: Option<ProgressOut>,
    /// With progress: the weighted pipeline, and what of it and of the actual fits no
    /// leaf cell.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    placement: Option<PlacementOut>,
}

/// A goal's weighted pipeline, and the parts of its actual and pipeline that fit no
/// leaf cell: `actual` is the cells' actuals plus `unplaced_actual`, and `pipeline` the
/// cells' plus `unplaced_pipeline`. Exact, like `actual`, so the sums hold to the digit.
#[derive(Serialize)]
struct PlacementOut {
    pipeline: Option<Dec>,
    unplaced_actual: Option<Dec>,
    unplaced_pipeline: Option<Dec>,
}

/// Progress numbers of a goal or a cell, rounded for output only. A number beyond the
/// largest decimal is null; it was reported as `invalid-value`, so `planck compile`
/// writes no output for such a plan.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressOut {
    pub actual: Option<Dec>,
    pub expected_to_date: Option<Dec>,
    pub attainment: Option<Dec>,
    pub forecast: Option<Dec>,
    pub forecast_low: Option<Dec>,
    pub forecast_high: Option<Dec>,
    pub coverage: Option<Dec>,
}

/// Decimal places of ratios (attainment, coverage) in the output.
pub(crate) const RATIO_PLACES: u32 = 6;

/// The progress numbers of a goal (or cell) of value `value` as the output shows them:
/// amounts rounded to `places`, ratios to [`RATIO_PLACES`].
pub(crate) fn progress_out(n: &Numbers, value: Decimal, places: u32) -> ProgressOut {
    let rounded = |v: Option<Decimal>| v.map(|v| Dec(v.round_dp(places)));
    ProgressOut {
        actual: n.actual.map(Dec),
        expected_to_date: rounded(n.expected_to_date),
        attainment: n.attainment(value).map(|a| Dec(a.round_dp(RATIO_PLACES))),
        forecast: rounded(n.forecast()),
        forecast_low: rounded(n.low()),
        forecast_high: rounded(n.high()),
        coverage: n.coverage(value).map(|c| Dec(c.round_dp(RATIO_PLACES))),
    }
}

#[derive(Debug, Serialize)]
pub struct StageOut<'m> {
    pub name: &'m str,
    pub label: Option<&'m str>,
    pub convert: Option<Dec>,
    pub dwell_days: Option<Dec>,
    pub probability: Option<Dec>,
}

#[derive(Debug, Serialize)]
pub struct AmountOut<'m> {
    pub value: Dec,
    pub unit: &'m str,
}

#[derive(Debug, Serialize)]
pub struct InflowOut<'m> {
    pub value: Dec,
    pub per: &'m str,
}

#[derive(Debug, Serialize)]
pub struct FunnelOut<'m> {
    pub name: &'m str,
    pub label: Option<&'m str>,
    pub deal_size: Option<AmountOut<'m>>,
    pub inflow: Option<InflowOut<'m>>,
    pub win_rate: Option<Dec>,
    /// Days from entry to close (the sum of the stages' dwell), rounded to whole days.
    /// A 128-bit integer: every whole number a decimal holds fits.
    pub cycle_days: Option<i128>,
    /// Expected value closing per day: open deals × win rate × average amount ÷ cycle.
    pub velocity: Option<Dec>,
    pub stages: Vec<StageOut<'m>>,
    /// The closed-lost outcomes (`lost NAME`).
    pub outcomes: Vec<OutcomeOut<'m>>,
}

#[derive(Debug, Serialize)]
pub struct OutcomeOut<'m> {
    pub name: &'m str,
    pub label: Option<&'m str>,
}

/// Dimension name → member name, in the order given (a JSON object).
#[derive(Debug)]
pub struct CoordsOut<'m>(pub Vec<(&'m str, &'m str)>);

impl Serialize for CoordsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
pub struct DealOut<'m> {
    pub name: &'m str,
    pub label: Option<&'m str>,
    pub funnel: Option<&'m str>,
    pub stage: Option<&'m str>,
    pub grade: Option<&'m str>,
    pub owner: Option<&'m str>,
    /// Where the deal is placed: its coordinates, then those its owner implies.
    pub coords: CoordsOut<'m>,
    pub amount: Option<Dec>,
    pub unit: Option<&'m str>,
    pub close: Option<String>,
    pub opened: Option<String>,
    /// `open`, `won` or `lost`.
    pub state: &'static str,
    /// Kept beside `state`: true exactly when it is `open`.
    pub open: bool,
    pub probability: Option<Dec>,
    pub weighted: Option<Dec>,
}

#[derive(Serialize)]
struct MemberOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
}

#[derive(Serialize)]
struct DimensionOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
    members: Vec<MemberOut<'m>>,
}

#[derive(Serialize)]
struct RepOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
    capacity: Option<Dec>,
    unit: Option<&'m str>,
    start: Option<String>,
    ramp: Vec<Dec>,
}

#[derive(Serialize)]
struct TeamOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
    lead: Option<&'m str>,
    coords: std::collections::BTreeMap<&'m str, &'m str>,
    reps: Vec<RepOut<'m>>,
}

#[derive(Serialize)]
struct StrategyOut<'m> {
    name: &'m str,
    label: Option<&'m str>,
}

/// Decimal places of amounts derived for a goal: those of its rounding unit.
fn places_of(alloc: &Option<GoalAllocation>) -> u32 {
    alloc.as_ref().map_or(2, |a| a.unit.normalize().scale())
}

/// A goal's funnel capacity over its period and the entries its target needs, unrounded;
/// `None` without a funnel or the numbers to compute the capacity.
pub(crate) fn funnel_numbers(
    model: &Model,
    progress: &Progress,
    g: &crate::model::Goal,
) -> Option<(Decimal, Option<Decimal>)> {
    let f = g.funnel?;
    let funnel = model.funnels.get(f.index())?;
    let stats = progress.funnels.get(f.index())?.as_ref()?;
    let target = g.target.as_ref()?;
    // A number beyond a decimal was reported as `invalid-value`, an error: no output
    // is written for such a plan.
    let capacity = pipeline::capacity(funnel, stats, &g.period?, &target.unit).ok()??;
    let entries = pipeline::entries_needed(funnel, stats, target.value, &target.unit)
        .ok()
        .flatten();
    Some((capacity, entries))
}

/// Write the compile output for a model, its allocation and progress.
pub fn write(
    model: &Model,
    allocation: &Allocation,
    progress: &Progress,
    out: impl Write,
) -> std::io::Result<()> {
    let funnel_numbers = |g: &crate::model::Goal| funnel_numbers(model, progress, g);
    let names = Names {
        model,
        slices: [
            TimeDim::Half,
            TimeDim::Quarter,
            TimeDim::Month,
            TimeDim::Week,
        ]
        .into_iter()
        .map(|t| (t, model.slices(t).to_vec()))
        .collect(),
    };
    let dim_name = |d: DimRef| match d {
        DimRef::User(id) => model.dimension(id).map_or("", |d| d.name.as_str()),
        DimRef::Rep => "rep",
        DimRef::Time(t) => t.name(),
    };
    let goals = model
        .goals
        .iter()
        .zip(&allocation.goals)
        .enumerate()
        .map(|(i, (g, a))| {
            let mut splits = Vec::new();
            collect_split_dims(&g.splits, &mut splits);
            let mut split_names: Vec<&str> = Vec::new();
            for d in splits {
                let n = dim_name(d);
                if !split_names.contains(&n) {
                    split_names.push(n);
                }
            }
            GoalOut {
                name: &g.name,
                label: g.label.as_deref(),
                owner: g.owner.as_ref().map(|o| match o {
                    Owner::Text(t) => t.as_str(),
                    Owner::Rep(r) => model.rep(*r).map_or("", |r| r.name.as_str()),
                    Owner::Team(t) => model.teams.get(t.index()).map_or("", |t| t.name.as_str()),
                }),
                unit: g.target.as_ref().map_or("", |t| t.unit.as_str()),
                target: Dec(g.target.as_ref().map_or(Decimal::ZERO, |t| t.value)),
                baseline: g.baseline.as_ref().map(|(a, p)| BaselineOut {
                    value: Dec(a.value),
                    period: PeriodOut(*p),
                }),
                period: g.period.map(PeriodOut),
                supports: g
                    .supports
                    .iter()
                    .filter_map(|s| model.strategies.get(s.index()))
                    .map(|s| s.name.as_str())
                    .collect(),
                parent: g
                    .parent
                    .and_then(|p| model.goal(p))
                    .map(|p| p.name.as_str()),
                funnel: g
                    .funnel
                    .and_then(|f| model.funnels.get(f.index()))
                    .map(|f| f.name.as_str()),
                rounding: a.as_ref().map(|a| Dec(a.unit)),
                splits: split_names,
                funnel_capacity: funnel_numbers(g).map(|(c, _)| Dec(c.round_dp(places_of(a)))),
                entries_needed: funnel_numbers(g)
                    .and_then(|(_, e)| e)
                    .map(|e| Dec(e.round_dp(2))),
                progress: progress.goals.get(i).and_then(Option::as_ref).map(|p| {
                    progress_out(
                        &p.numbers,
                        g.target.as_ref().map_or(Decimal::ZERO, |t| t.value),
                        places_of(a),
                    )
                }),
                placement: progress
                    .goals
                    .get(i)
                    .and_then(Option::as_ref)
                    .map(|p| PlacementOut {
                        pipeline: p.numbers.pipeline.map(Dec),
                        unplaced_actual: p.unplaced.actual.map(Dec),
                        unplaced_pipeline: p.unplaced.pipeline.map(Dec),
                    }),
            }
        })
        .collect::<Vec<_>>();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, out);
    w.write_all(b"{\"version\":1,\"plan\":")?;
    serde_json::to_writer(
        &mut w,
        &PlanOut {
            name: model.plan.name.as_deref(),
            period: model.plan.period.map(PeriodOut),
            currency: model.plan.currency.as_deref(),
            as_of: model.plan.as_of.map(|d| d.to_string()),
        },
    )?;
    w.write_all(b",\"strategies\":")?;
    serde_json::to_writer(
        &mut w,
        &model
            .strategies
            .iter()
            .map(|s| StrategyOut {
                name: &s.name,
                label: s.label.as_deref(),
            })
            .collect::<Vec<_>>(),
    )?;
    w.write_all(b",\"dimensions\":")?;
    serde_json::to_writer(
        &mut w,
        &model
            .dimensions
            .iter()
            .map(|d| DimensionOut {
                name: &d.name,
                label: d.label.as_deref(),
                members: d
                    .members
                    .iter()
                    .map(|m| MemberOut {
                        name: &m.name,
                        label: m.label.as_deref(),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>(),
    )?;
    w.write_all(b",\"teams\":")?;
    serde_json::to_writer(
        &mut w,
        &model
            .teams
            .iter()
            .map(|t| TeamOut {
                name: &t.name,
                label: t.label.as_deref(),
                lead: t.lead.as_deref(),
                coords: t
                    .coords
                    .iter()
                    .filter_map(|c| {
                        let d = model.dimension(c.dim)?;
                        let m = d.members.get(c.member.index())?;
                        Some((d.name.as_str(), m.name.as_str()))
                    })
                    .collect(),
                reps: t
                    .reps
                    .iter()
                    .filter_map(|r| model.rep(*r))
                    .map(|r| RepOut {
                        name: &r.name,
                        label: r.label.as_deref(),
                        capacity: r.capacity.as_ref().map(|c| Dec(c.value)),
                        unit: r.capacity.as_ref().map(|c| c.unit.as_str()),
                        start: r.start.map(|d| d.format("%Y-%m").to_string()),
                        ramp: r.ramp.iter().map(|v| Dec(*v)).collect(),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>(),
    )?;
    w.write_all(b",\"funnels\":")?;
    serde_json::to_writer(&mut w, &funnels_out(model, progress))?;
    w.write_all(b",\"deals\":")?;
    serde_json::to_writer(&mut w, &deals_out(model, progress))?;
    w.write_all(b",\"goals\":[")?;
    let fragments = Fragments::new(&names);
    for (i, (goal, alloc)) in goals.iter().zip(&allocation.goals).enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        // The goal's fields, then its allocations inside the same object.
        let head = serde_json::to_vec(goal)?;
        w.write_all(head.strip_suffix(b"}").unwrap_or(&head))?;
        w.write_all(b",\"allocations\":[")?;
        if let Some(alloc) = alloc {
            let cells_progress = progress
                .goals
                .get(i)
                .and_then(Option::as_ref)
                .map(|p| p.cells.as_slice());
            write_cells(&mut w, &fragments, alloc, cells_progress)?;
        }
        w.write_all(b"]}")?;
    }
    w.write_all(b"]}\n")?;
    w.flush()?;
    Ok(())
}

/// Pre-rendered JSON for every coordinate (`"region":"east"`), indexed directly, so
/// writing millions of cells is mostly copying bytes.
struct Fragments {
    user: Vec<Vec<Vec<u8>>>,
    reps: Vec<Vec<u8>>,
    /// By time dimension (half, quarter, month, week), then slice.
    time: [Vec<Vec<u8>>; 4],
}

fn entry(key: &str, value: &str) -> Vec<u8> {
    let mut out = serde_json::to_vec(key).unwrap_or_default();
    out.push(b':');
    out.extend(serde_json::to_vec(value).unwrap_or_default());
    out
}

impl Fragments {
    fn new(names: &Names<'_>) -> Fragments {
        let model = names.model;
        Fragments {
            user: model
                .dimensions
                .iter()
                .map(|d| d.members.iter().map(|m| entry(&d.name, &m.name)).collect())
                .collect(),
            reps: model.reps.iter().map(|r| entry("rep", &r.name)).collect(),
            time: [
                TimeDim::Half,
                TimeDim::Quarter,
                TimeDim::Month,
                TimeDim::Week,
            ]
            .map(|t| {
                names
                    .slices
                    .get(&t)
                    .map(|slices| slices.iter().map(|s| entry(t.name(), &s.name)).collect())
                    .unwrap_or_default()
            }),
        }
    }

    fn get(&self, member: MemberRef) -> &[u8] {
        let found = match member {
            MemberRef::User(d, m) => self.user.get(d.index()).and_then(|d| d.get(m.index())),
            MemberRef::Rep(r) => self.reps.get(r.index()),
            MemberRef::Time(t, i) => self.time.get(t as usize).and_then(|s| s.get(i as usize)),
        };
        found.map_or(b"\"\":\"\"", Vec::as_slice)
    }
}

fn period_json(p: Period) -> Vec<u8> {
    format!("{{\"start\":\"{}\",\"end\":\"{}\"}}", p.start, p.end).into_bytes()
}

pub(crate) fn funnels_out<'m>(model: &'m Model, progress: &Progress) -> Vec<FunnelOut<'m>> {
    model
        .funnels
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let stats = progress.funnels.get(i).and_then(Option::as_ref);
            FunnelOut {
                name: &f.name,
                label: f.label.as_deref(),
                deal_size: f.deal_size.as_ref().map(|d| AmountOut {
                    value: Dec(d.value),
                    unit: &d.unit,
                }),
                inflow: f.inflow.as_ref().map(|(v, per)| InflowOut {
                    value: Dec(*v),
                    per,
                }),
                win_rate: stats.map(|s| Dec(s.win_rate)),
                cycle_days: stats.and_then(|s| {
                    use rust_decimal::prelude::ToPrimitive;
                    s.cycle_days?.round().to_i128()
                }),
                velocity: stats
                    .and_then(|s| {
                        pipeline::velocity(model, crate::model::FunnelId(i as u32), s)
                            .ok()
                            .flatten()
                    })
                    .map(|v| Dec(v.round_dp(2))),
                stages: f
                    .stages
                    .iter()
                    .enumerate()
                    .map(|(k, s)| StageOut {
                        name: &s.name,
                        label: s.label.as_deref(),
                        convert: s.convert.map(Dec),
                        dwell_days: s.dwell_days.map(Dec),
                        probability: stats
                            .and_then(|st| st.probabilities.get(k))
                            .map(|p| Dec(*p)),
                    })
                    .collect(),
                outcomes: f
                    .outcomes
                    .iter()
                    .map(|o| OutcomeOut {
                        name: &o.name,
                        label: o.label.as_deref(),
                    })
                    .collect(),
            }
        })
        .collect()
}

pub(crate) fn deals_out<'m>(model: &'m Model, progress: &Progress) -> Vec<DealOut<'m>> {
    model
        .deals
        .iter()
        .map(|d| {
            let funnel = d.funnel.and_then(|f| model.funnels.get(f.index()));
            let probability = pipeline::probability(model, &d, &progress.funnels);
            DealOut {
                name: d.name,
                label: d.label,
                funnel: funnel.map(|f| f.name.as_str()),
                stage: funnel.zip(d.stage).and_then(|(f, s)| f.stage_name(s)),
                grade: d
                    .grade
                    .and_then(|g| model.grades.get(g.index()))
                    .map(|g| g.name.as_str()),
                owner: d.owner.and_then(|r| model.rep(r)).map(|r| r.name.as_str()),
                coords: CoordsOut(
                    crate::progress::deal_members(model, &d)
                        .into_iter()
                        .filter_map(|m| match m {
                            MemberRef::User(dim, member) => {
                                let dim = model.dimension(dim)?;
                                let member = dim.members.get(member.index())?;
                                Some((dim.name.as_str(), member.name.as_str()))
                            }
                            _ => None,
                        })
                        .collect(),
                ),
                amount: d.amount.as_ref().map(|a| Dec(a.value)),
                unit: d.amount.as_ref().map(|a| a.unit),
                close: d.close.map(|c| c.to_string()),
                opened: d.opened.map(|c| c.to_string()),
                state: pipeline::state(model, &d).as_str(),
                open: pipeline::is_open(model, &d),
                probability: probability.map(Dec),
                weighted: d
                    .amount
                    .as_ref()
                    .zip(probability)
                    .and_then(|(a, p)| a.value.checked_mul(p))
                    .map(Dec),
            }
        })
        .collect()
}

fn write_cells(
    w: &mut impl Write,
    fragments: &Fragments,
    alloc: &GoalAllocation,
    progress: Option<&[Numbers]>,
) -> std::io::Result<()> {
    let places = alloc.unit.normalize().scale();
    let mut periods: HashMap<Period, Vec<u8>> = HashMap::new();
    let mut last: Option<(Period, Vec<u8>)> = None;
    let mut number = [0u8; 64];
    for (i, cell) in alloc.cells.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(b"{\"coords\":{")?;
        for (k, m) in alloc.coords(cell).iter().enumerate() {
            if k > 0 {
                w.write_all(b",")?;
            }
            w.write_all(fragments.get(*m))?;
        }
        w.write_all(b"},\"period\":")?;
        match &last {
            Some((p, json)) if *p == cell.period => w.write_all(json)?,
            _ => {
                let json = periods
                    .entry(cell.period)
                    .or_insert_with(|| period_json(cell.period))
                    .clone();
                w.write_all(&json)?;
                last = Some((cell.period, json));
            }
        }
        w.write_all(b",\"value\":\"")?;
        w.write_all(decimal_str(cell.value, &mut number))?;
        w.write_all(b"\"")?;
        if let Some(n) = progress.and_then(|p| p.get(i)) {
            // A few cells of a plan with actuals: serde is fast enough here.
            let fields = serde_json::to_vec(&progress_out(n, cell.value, places))?;
            w.write_all(b",")?;
            w.write_all(
                fields
                    .strip_prefix(b"{")
                    .and_then(|f| f.strip_suffix(b"}"))
                    .unwrap_or(&fields),
            )?;
            w.write_all(b",\"pipeline\":")?;
            serde_json::to_writer(&mut *w, &n.pipeline.map(Dec))?;
        }
        w.write_all(b"}")?;
    }
    Ok(())
}

/// A decimal in plain notation without trailing zeros, written into `buf`.
pub fn decimal_str(value: Decimal, buf: &mut [u8; 64]) -> &[u8] {
    // Most amounts fit 64 bits, where trailing zeros are cheaper to drop than through
    // `normalize`, which divides all 96 bits.
    if let Ok(mut small) = u64::try_from(value.mantissa().unsigned_abs()) {
        let mut scale = value.scale() as usize;
        while scale > 0 && small % 10 == 0 {
            small /= 10;
            scale -= 1;
        }
        let negative = value.is_sign_negative() && small != 0;
        if let Some(start) = digits_u64(small, scale, negative, buf) {
            return buf.get(start..).unwrap_or_default();
        }
        return digits(small, scale, negative, buf);
    }
    let value = value.normalize();
    let scale = value.scale() as usize;
    let mantissa = value.mantissa().unsigned_abs();
    // Most amounts fit 64 bits, where division by ten is cheap.
    if let Ok(small) = u64::try_from(mantissa) {
        return digits(
            small,
            scale,
            value.is_sign_negative() && !value.is_zero(),
            buf,
        );
    }
    digits(
        mantissa,
        scale,
        value.is_sign_negative() && !value.is_zero(),
        buf,
    )
}

/// The two digits of each number below 100, so that a number is written two digits per
/// division.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Write `n` right-aligned to end before `pos`, with at least `min_digits` digits (zeros
/// in front), and return where it starts; `None` if `buf` has no room.
fn write_u64(mut n: u64, min_digits: usize, buf: &mut [u8], mut pos: usize) -> Option<usize> {
    let end = pos;
    while n >= 10 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        pos = pos.checked_sub(2)?;
        buf.get_mut(pos..pos + 2)?
            .copy_from_slice(DIGIT_PAIRS.get(pair..pair + 2)?);
    }
    if n > 0 || end == pos {
        pos = pos.checked_sub(1)?;
        *buf.get_mut(pos)? = b'0' + n as u8;
    }
    while end - pos < min_digits {
        pos = pos.checked_sub(1)?;
        *buf.get_mut(pos)? = b'0';
    }
    Some(pos)
}

/// [`digits`] for a 64-bit mantissa with at most 19 places, two digits at a time: the
/// places are split off by one division, then each part written on its own. Returns where
/// the text starts in `buf`.
fn digits_u64(mantissa: u64, scale: usize, negative: bool, buf: &mut [u8; 64]) -> Option<usize> {
    let mut pos = buf.len();
    if scale > 0 {
        let unit = 10u64.checked_pow(u32::try_from(scale).ok()?)?;
        pos = write_u64(mantissa % unit, scale, buf, pos)?;
        pos = pos.checked_sub(1)?;
        *buf.get_mut(pos)? = b'.';
        pos = write_u64(mantissa / unit, 1, buf, pos)?;
    } else {
        pos = write_u64(mantissa, 1, buf, pos)?;
    }
    if negative {
        pos = pos.checked_sub(1)?;
        *buf.get_mut(pos)? = b'-';
    }
    Some(pos)
}

fn digits<T>(mut mantissa: T, scale: usize, negative: bool, buf: &mut [u8; 64]) -> &[u8]
where
    T: Copy + PartialEq + std::ops::Rem<Output = T> + std::ops::DivAssign + From<u8> + TryInto<u8>,
{
    let ten = T::from(10);
    let zero = T::from(0);
    // Digits from the right, with the decimal point inserted `scale` digits in.
    let mut pos = buf.len();
    let mut written = 0;
    loop {
        if written == scale && scale > 0 {
            pos -= 1;
            buf[pos] = b'.';
        }
        pos -= 1;
        buf[pos] = b'0' + (mantissa % ten).try_into().unwrap_or(0);
        mantissa /= ten;
        written += 1;
        if mantissa == zero && written > scale {
            break;
        }
    }
    if negative {
        pos -= 1;
        buf[pos] = b'-';
    }
    &buf[pos..]
}

fn collect_split_dims(splits: &[crate::model::Split], out: &mut Vec<DimRef>) {
    for s in splits {
        out.push(s.dim);
    }
    for s in splits {
        for nested in s.nested() {
            collect_split_dims(nested, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decimal_str;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn text(literal: &str) -> String {
        let mut buf = [0u8; 64];
        String::from_utf8(decimal_str(Decimal::from_str(literal).unwrap(), &mut buf).to_vec())
            .unwrap()
    }

    #[test]
    fn decimals_are_written_plainly_without_trailing_zeros() {
        let cases = [
            ("0", "0"),
            ("0.000", "0"),
            ("-0.00", "0"),
            ("7", "7"),
            ("10", "10"),
            ("100.00", "100"),
            ("1000", "1000"),
            ("4166.67", "4166.67"),
            ("-15000", "-15000"),
            ("0.05", "0.05"),
            ("-0.05", "-0.05"),
            ("12.340", "12.34"),
            ("0.0000000000000000001", "0.0000000000000000001"),
            ("18446744073709551615", "18446744073709551615"),
            ("1844674407370955161.5", "1844674407370955161.5"),
            ("0.00000000000000000000123", "0.00000000000000000000123"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "-7922816251426433759354395033.5",
                "-7922816251426433759354395033.5",
            ),
        ];
        for (literal, expected) in cases {
            assert_eq!(text(literal), expected, "{literal}");
        }
    }

    #[test]
    fn decimals_match_the_normalized_display() {
        for mantissa in (-2_000i64..2_000).chain([99_999_999_999, -1_000_000_000_001]) {
            for scale in 0..6 {
                let value = Decimal::new(mantissa, scale);
                let mut buf = [0u8; 64];
                let written = std::str::from_utf8(decimal_str(value, &mut buf))
                    .unwrap()
                    .to_string();
                assert_eq!(
                    written,
                    value.normalize().to_string(),
                    "{mantissa}e-{scale}"
                );
            }
        }
    }
}
