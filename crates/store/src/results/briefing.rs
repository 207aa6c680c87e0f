//! The 工作简报 of a period and scope (issue #15): the scorecards of the clusters in scope,
//! their totals as headline figures, the deals and projects of the period as cases, and the
//! document made of them. Every figure is a scorecard's (`Results::scorecard`), summed when a
//! scope holds several clusters, never counted another way; the cases are listed with the
//! same filters the scorecard counts with.

use qunlian_domain::auth::{Caller, ClusterId, Scope};
use qunlian_domain::briefing::{Briefing, BriefingScope, Chart, ChartGroup};
use qunlian_domain::clock::beijing;
use qunlian_domain::region::{RegionCode, RegionLevel};
use qunlian_domain::results::Period;
use serde::Serialize;

use super::*;
use crate::StoreError;
use crate::matching::Introduction;
use crate::projects::{ProjectFilter, ProjectRecord};

/// The figures a briefing heads with, by scorecard key, in order.
pub const HEADLINE_KEYS: [&str; 11] = [
    "members",
    "covered",
    "tax",
    "output",
    "introductions",
    "deals",
    "deal_value",
    "requests",
    "done",
    "projects",
    "patents",
];

/// A headline figure: the scorecards' figure of `key`, summed over the clusters in scope.
#[derive(Clone, Debug, Serialize)]
pub struct BriefingHeadline {
    pub key: &'static str,
    pub label: String,
    pub value: Value,
}

/// A cluster of the briefing with its scorecard and its cases of the period.
#[derive(Clone, Debug, Serialize)]
pub struct BriefingCluster {
    pub short_name: String,
    pub card: Scorecard,
    /// Introductions made in the period that became deals (the scorecard's 达成合作).
    pub deals: Vec<Introduction>,
    /// Awarded projects of the period's year (the scorecard's 获评项目).
    pub projects: Vec<ProjectRecord>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BriefingData {
    pub scope: BriefingScope,
    /// 全区, 新桥镇, or the cluster's name.
    pub scope_label: String,
    pub period: Period,
    pub clusters: Vec<BriefingCluster>,
    pub headline: Vec<BriefingHeadline>,
    pub document: Briefing,
}

/// The sum of the same figure of several scorecards: counts and amounts add up; a figure
/// none of them recorded stays missing. Rates and medians are not summed (None).
pub fn sum_values(values: &[Value]) -> Option<Value> {
    let mut out: Option<Value> = None;
    for v in values {
        out = Some(match (out, *v) {
            (None, v) => v,
            (Some(Value::Count(a)), Value::Count(b)) => Value::Count(a + b),
            (Some(Value::Money(a)), Value::Money(b)) => Value::Money(a + b),
            (Some(Value::People(a)), Value::People(b)) => Value::People(a + b),
            (Some(Value::Missing), v @ (Value::Money(_) | Value::People(_))) => v,
            (Some(a @ (Value::Money(_) | Value::People(_) | Value::Missing)), Value::Missing) => a,
            _ => return None,
        });
    }
    out
}

/// Cases listed a cluster and kind; the rest are counted.
pub(super) const MAX_CASES: usize = 20;

impl Results<'_> {
    /// The clusters a briefing of `scope` covers, with how the scope is named.
    async fn briefing_clusters(
        self,
        caller: &Caller,
        scope: &BriefingScope,
    ) -> Result<(String, Vec<crate::registry::Cluster>)> {
        // The district and a town only for a caller who reaches all of it: the rule of the
        // figures API and the 大屏 (`FigureScope::reached_by`).
        let reached = |s: FigureScope| if s.reached_by(caller) { Ok(()) } else { Err(StoreError::Forbidden) };
        let all = self.store.registry().list_clusters(caller, None).await?;
        let (label, clusters) = match scope {
            BriefingScope::District => {
                reached(FigureScope::District)?;
                let label = match &caller.scope {
                    Scope::Region(r) => r.name().to_owned(),
                    _ => "全区".to_owned(),
                };
                (label, all)
            }
            BriefingScope::Town(code) => {
                let town =
                    RegionCode::parse(code).ok().filter(|r| r.level() == RegionLevel::Town).ok_or_else(|| {
                        StoreError::Invalid { field: "范围", message: format!("“{code}”不是街镇代码") }
                    })?;
                reached(FigureScope::Town(town))?;
                let name = town.name().to_owned();
                let clusters = all.into_iter().filter(|c| c.town_name == name).collect();
                (name, clusters)
            }
            BriefingScope::Cluster(id) => {
                let c = all.into_iter().find(|c| c.id == ClusterId(*id)).ok_or(StoreError::NotFound)?;
                (c.name.clone(), vec![c])
            }
        };
        if clusters.is_empty() {
            return Err(StoreError::Invalid {
                field: "范围",
                message: format!("{label}没有您可查看的产业集群，无法生成简报"),
            });
        }
        Ok((label, clusters))
    }

    /// The briefing of `scope` for `period` as the caller may see it.
    pub async fn briefing(self, caller: &Caller, scope: &BriefingScope, period: Period) -> Result<BriefingData> {
        self.store.require(caller, qunlian_domain::auth::Action::ReadResults)?;
        let (scope_label, clusters) = self.briefing_clusters(caller, scope).await?;
        let mut out = Vec::with_capacity(clusters.len());
        for c in clusters {
            let card = self.scorecard(caller, c.id, period).await?;
            let deals = self.store.matching().introductions(caller, &introduction_filter(c.id, period, true)).await?;
            let filter = ProjectFilter { year: Some(period.year), cluster: Some(c.id.0), ..ProjectFilter::default() };
            let projects = self.store.projects().figure_list(caller, &filter).await?;
            let short_name = if c.short_name.trim().is_empty() { c.name.clone() } else { c.short_name.clone() };
            out.push(BriefingCluster { short_name, card, deals, projects });
        }
        let headline = HEADLINE_KEYS
            .iter()
            .filter_map(|key| {
                let figures: Vec<&ScoreFigure> = out.iter().filter_map(|c| c.card.figure(key)).collect();
                let label = figures.first()?.label.clone();
                let values: Vec<Value> = figures.iter().map(|f| f.current).collect();
                Some(BriefingHeadline { key, label, value: sum_values(&values)? })
            })
            .collect();
        let made = format!("{}生成", beijing(self.store.now()).format("%Y年%-m月%-d日 %H:%M"));
        let mut data = BriefingData {
            scope: scope.clone(),
            scope_label,
            period,
            clusters: out,
            headline,
            document: Briefing { title: String::new(), subtitle: String::new(), signature: made, blocks: Vec::new() },
        };
        data.document = super::briefing_text::document(&data);
        Ok(data)
    }

    /// Writes who generated which briefing in which format to the audit log.
    pub async fn record_briefing(self, caller: &Caller, data: &BriefingData, format: &str) -> Result<()> {
        self.store
            .audit()
            .record(
                caller,
                "results.briefing.generate",
                "briefing",
                Some(data.scope.code()),
                format!(
                    "生成工作简报（{}）：{} {}，{}个集群",
                    format,
                    data.scope_label,
                    data.period.label(),
                    data.clusters.len()
                ),
            )
            .await
    }
}

/// A chart of one figure of each cluster, this period beside the year before; None when no
/// cluster has the figure. Money is shown in 万元, or 亿元 from one 亿.
pub(super) fn figure_chart(data: &BriefingData, key: &str, number: usize) -> Option<Chart> {
    let pairs: Vec<(String, Value, Value)> = data
        .clusters
        .iter()
        .filter_map(|c| {
            let f = c.card.figure(key)?;
            Some((c.short_name.clone(), f.current, f.previous.unwrap_or(Value::Missing)))
        })
        .collect();
    let label = data.clusters.iter().find_map(|c| c.card.figure(key))?.label.clone();
    let raw = |v: Value| match v {
        Value::Count(n) => n as f64,
        Value::Money(y) | Value::People(y) => y as f64,
        _ => 0.0,
    };
    let money = pairs.iter().any(|(_, a, b)| matches!(a, Value::Money(_)) || matches!(b, Value::Money(_)));
    let top = pairs.iter().map(|(_, a, b)| raw(*a).max(raw(*b))).fold(0.0, f64::max);
    let (unit, scale) = if !money {
        ("项", 1.0)
    } else if top >= 1e8 {
        ("亿元", 1e8)
    } else {
        ("万元", 1e4)
    };
    Some(Chart {
        title: format!("图{number}　各集群{label}（{}与{}）", data.period.label(), data.period.previous_year().label()),
        unit: unit.to_owned(),
        current_label: data.period.label(),
        previous_label: data.period.previous_year().label(),
        groups: pairs
            .into_iter()
            .map(|(label, a, b)| ChartGroup { label, current: raw(a) / scale, previous: raw(b) / scale })
            .collect(),
    })
}
