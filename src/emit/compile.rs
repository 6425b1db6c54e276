//! `planck compile`: the resolved, allocated plan as one JSON object.
//!
//! The output is a contract (see `docs/json.md` and `planck schema`): it has its own
//! types here, written straight from the model, so the model can change without breaking
//! it. Cells are serialized as they are walked, without an intermediate copy, because a
//! large plan has millions of them. The same input always gives the same bytes.

use crate::alloc::{Allocation, Cell};
use crate::model::{DimRef, MemberRef, Model, Owner};
use crate::period::{Period, Slice, TimeDim};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// The JSON Schema of the output, as `planck schema` prints it.
pub const SCHEMA: &str = include_str!("compile.schema.json");

/// Names of time slices, computed once.
struct Names<'m> {
    model: &'m Model,
    slices: HashMap<TimeDim, Vec<Slice>>,
}

impl Names<'_> {
    fn dimension(&self, member: MemberRef) -> &str {
        match member {
            MemberRef::User(d, _) => self.model.dimension(d).map_or("", |d| d.name.as_str()),
            MemberRef::Rep(_) => "rep",
            MemberRef::Time(t, _) => t.name(),
        }
    }

    fn member(&self, member: MemberRef) -> &str {
        match member {
            MemberRef::User(d, m) => self
                .model
                .dimension(d)
                .and_then(|d| d.members.get(m.index()))
                .map_or("", |m| m.name.as_str()),
            MemberRef::Rep(r) => self.model.rep(r).map_or("", |r| r.name.as_str()),
            MemberRef::Time(t, i) => self
                .slices
                .get(&t)
                .and_then(|s| s.get(i))
                .map_or("", |s| s.name.as_str()),
        }
    }
}

/// A decimal in plain notation without trailing zeros: "240000", "0.08".
struct Dec(Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

struct PeriodOut(Period);

impl Serialize for PeriodOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Period", 2)?;
        st.serialize_field("start", &self.0.start.to_string())?;
        st.serialize_field("end", &self.0.end.to_string())?;
        st.end()
    }
}

struct Coords<'a, 'm>(&'a Names<'m>, &'a [MemberRef]);

impl Serialize for Coords<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.1.len()))?;
        for &m in self.1 {
            map.serialize_entry(self.0.dimension(m), self.0.member(m))?;
        }
        map.end()
    }
}

struct CellOut<'a, 'm>(&'a Names<'m>, &'a Cell);

impl Serialize for CellOut<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Cell", 3)?;
        st.serialize_field("coords", &Coords(self.0, &self.1.coords))?;
        st.serialize_field("period", &PeriodOut(self.1.period))?;
        st.serialize_field("value", &Dec(self.1.value))?;
        st.end()
    }
}

struct Cells<'a, 'm>(&'a Names<'m>, &'a [Cell]);

impl Serialize for Cells<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for cell in self.1 {
            seq.serialize_element(&CellOut(self.0, cell))?;
        }
        seq.end()
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

#[derive(Serialize)]
struct GoalOut<'a, 'm> {
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
    allocations: Cells<'a, 'm>,
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

#[derive(Serialize)]
struct Output<'a, 'm> {
    version: u32,
    plan: PlanOut<'m>,
    strategies: Vec<StrategyOut<'m>>,
    dimensions: Vec<DimensionOut<'m>>,
    teams: Vec<TeamOut<'m>>,
    goals: Vec<GoalOut<'a, 'm>>,
}

/// Write the compile output for a model and its allocation.
pub fn write(
    model: &Model,
    allocation: &Allocation,
    out: impl std::io::Write,
) -> serde_json::Result<()> {
    let names = Names {
        model,
        slices: [
            TimeDim::Half,
            TimeDim::Quarter,
            TimeDim::Month,
            TimeDim::Week,
        ]
        .into_iter()
        .map(|t| (t, model.slices(t)))
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
        .map(|(g, a)| {
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
                allocations: Cells(&names, a.as_ref().map_or(&[], |a| a.cells.as_slice())),
            }
        })
        .collect();
    let output = Output {
        version: 1,
        plan: PlanOut {
            name: model.plan.name.as_deref(),
            period: model.plan.period.map(PeriodOut),
            currency: model.plan.currency.as_deref(),
            as_of: model.plan.as_of.map(|d| d.to_string()),
        },
        strategies: model
            .strategies
            .iter()
            .map(|s| StrategyOut {
                name: &s.name,
                label: s.label.as_deref(),
            })
            .collect(),
        dimensions: model
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
            .collect(),
        teams: model
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
            .collect(),
        goals,
    };
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer(&mut writer, &output)?;
    std::io::Write::write_all(&mut writer, b"\n").map_err(serde_json::Error::io)?;
    std::io::Write::flush(&mut writer).map_err(serde_json::Error::io)
}

fn collect_split_dims(splits: &[crate::model::Split], out: &mut Vec<DimRef>) {
    for s in splits {
        out.push(s.dim);
    }
    for s in splits {
        if let crate::model::SplitKind::Entries { entries, .. } = &s.kind {
            for e in entries {
                collect_split_dims(&e.nested, out);
            }
        }
    }
}
