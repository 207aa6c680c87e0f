//! A cluster's scorecard for a period: organisation, chain, services, projects and economy,
//! each figure read through the counting function of the capability that records it, set
//! beside the same period of the year before (never beside other clusters), with the
//! records it counts (`Drill`) and the time it is as of.

use qunlian_domain::auth::{Action, Caller, ClusterId};
use qunlian_domain::clock::beijing;
use qunlian_domain::projects::Tier;
use qunlian_domain::results::{Indicator, Period, YearOnYear, format_yuan};
use serde::Serialize;

use super::*;
use crate::matching::IntroductionFilter;
use crate::services::ServiceFilter;

/// A figure's value, as counted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Value {
    Count(u64),
    /// 元.
    Money(i64),
    People(i64),
    /// Working days; None when nothing was finished.
    Days(Option<f64>),
    /// Per cent; None when there is nothing to divide by.
    Percent(Option<f64>),
    /// No figure recorded for the period.
    Missing,
}

impl Value {
    pub fn text(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Money(y) => format_yuan(y),
            Value::People(n) => format!("{n}人"),
            Value::Days(Some(d)) => format!("{d:.1}个工作日"),
            Value::Percent(Some(p)) => format!("{p:.1}%"),
            Value::Days(None) | Value::Percent(None) | Value::Missing => "—".to_owned(),
        }
    }
}

/// The records behind a figure, which the page turns into the address of their list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Drill {
    /// The cluster's member enterprises today, with their coverage.
    Members,
    /// Party organisations of the member enterprises.
    Orgs,
    /// The enterprises of a district or town; `covered` those with an organisation.
    Enterprises { covered: bool },
    /// Party members of those organisations; of them those who joined in a period.
    PartyMembers { joined_in: Option<Period> },
    /// Introductions made in the period; `won` only those that became deals.
    Introductions { won: bool },
    /// Service requests the members filed in the period.
    Requests,
    /// Awarded projects of the cluster in the period's year, of one tier or all.
    Projects { year: i32, tier: Option<Tier> },
    /// Economic figures of the members for the period.
    Figures(Indicator),
    /// Activities held in the period (of the cluster, or of the district or town).
    Activities { period: Period },
}

#[derive(Clone, Debug, Serialize)]
pub struct ScoreFigure {
    /// Stable key: "members", "tax", "tier:demonstration" …
    pub key: String,
    pub label: String,
    pub current: Value,
    /// The same figure for the same period of the year before; None for figures that are
    /// a state of today (members, coverage).
    pub previous: Option<Value>,
    /// The change against the year before in words ("+3", "+48.3%"), or "—".
    pub change: String,
    /// Why there is no change to show, when there is none.
    pub why_no_change: Option<String>,
    /// "截至 2021-06-30" or "截至 2026-12-04 10:30".
    pub as_of: String,
    pub drill: Drill,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScoreSection {
    pub title: &'static str,
    pub figures: Vec<ScoreFigure>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Scorecard {
    pub cluster_id: ClusterId,
    pub cluster_name: String,
    pub period: Period,
    pub previous: Period,
    pub sections: Vec<ScoreSection>,
}

impl Scorecard {
    pub fn figure(&self, key: &str) -> Option<&ScoreFigure> {
        self.sections.iter().flat_map(|s| &s.figures).find(|f| f.key == key)
    }
}

/// The introductions filter a scorecard counts for the cluster and period; the records page
/// lists with the same.
pub fn introduction_filter(cluster: impl Into<Option<ClusterId>>, period: Period, won: bool) -> IntroductionFilter {
    let (from, before) = period.dates();
    IntroductionFilter {
        cluster: cluster.into(),
        state: won.then_some(qunlian_domain::matching::IntroductionState::Won),
        made_from: Some(from),
        made_before: Some(before),
        ..IntroductionFilter::default()
    }
}

/// The service requests filter a scorecard counts for the cluster and period.
pub fn service_filter(cluster: impl Into<Option<ClusterId>>, period: Period) -> ServiceFilter {
    let (from, before) = period.dates();
    ServiceFilter {
        cluster: cluster.into().map(|c| c.0),
        filed_from: Some(from),
        filed_before: Some(before),
        ..ServiceFilter::default()
    }
}

/// The signed difference of two counts: "+3", "-1", "持平".
fn difference(current: f64, previous: f64, unit: &str, decimals: usize) -> String {
    let d = current - previous;
    if d.abs() < 1e-9 {
        "持平".to_owned()
    } else {
        format!("{}{:.*}{unit}", if d > 0.0 { "+" } else { "" }, decimals, d)
    }
}

pub(super) fn figure(
    key: impl Into<String>,
    label: impl Into<String>,
    current: Value,
    drill: Drill,
    as_of: &str,
) -> ScoreFigure {
    ScoreFigure {
        key: key.into(),
        label: label.into(),
        current,
        previous: None,
        change: "—".into(),
        why_no_change: Some("为当前状态，不与上年同期比较".into()),
        as_of: as_of.to_owned(),
        drill,
        note: None,
    }
}

/// One figure of a section counted in both periods: what it reads from each period's counts.
pub(super) struct Row<'a, T: ?Sized> {
    key: String,
    label: String,
    drill: Drill,
    pick: Box<dyn Fn(&T) -> Value + Send + 'a>,
}

pub(super) fn row<'a, T: ?Sized>(
    key: impl Into<String>,
    label: impl Into<String>,
    drill: Drill,
    pick: impl Fn(&T) -> Value + Send + 'a,
) -> Row<'a, T> {
    Row { key: key.into(), label: label.into(), drill, pick: Box::new(pick) }
}

/// A section whose figures are read from one count of this period and one of the year before.
pub(super) fn section<T: ?Sized>(
    title: &'static str,
    (now, before): (&T, &T),
    as_of: &str,
    rows: Vec<Row<'_, T>>,
) -> ScoreSection {
    let figures =
        rows.into_iter().map(|r| compared(r.key, r.label, (r.pick)(now), (r.pick)(before), r.drill, as_of)).collect();
    ScoreSection { title, figures }
}

/// A figure counted in both periods, with its change.
pub(super) fn compared(
    key: impl Into<String>,
    label: impl Into<String>,
    now: Value,
    before: Value,
    drill: Drill,
    as_of: &str,
) -> ScoreFigure {
    let (change, why) = match (now, before) {
        (Value::Count(a), Value::Count(b)) => (difference(a as f64, b as f64, "", 0), None),
        (Value::Days(Some(a)), Value::Days(Some(b))) => (difference(a, b, "个工作日", 1), None),
        (Value::Percent(Some(a)), Value::Percent(Some(b))) => (difference(a, b, "个百分点", 1), None),
        (Value::Money(a), Value::Money(b)) => {
            let y = YearOnYear::of(Some(a), Some(b));
            (y.text(), y.why_none().map(str::to_owned))
        }
        _ => ("—".to_owned(), Some("本期或上年同期无可比数据".to_owned())),
    };
    ScoreFigure { previous: Some(before), change, why_no_change: why, ..figure(key, label, now, drill, as_of) }
}

impl Results<'_> {
    /// The active Party organisations of the cluster's member enterprises that the caller
    /// may see, by name: the organisation figure and its list.
    pub async fn cluster_orgs(self, caller: &Caller, cluster: ClusterId) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::ReadResults)?;
        let cond = self.cluster_org_condition(caller, cluster).await?;
        self.store.orgs_by_name(cond).await
    }

    /// The scorecard of a cluster the caller may see, for `period` beside the same period of
    /// the year before.
    pub async fn scorecard(self, caller: &Caller, cluster: ClusterId, period: Period) -> Result<Scorecard> {
        self.store.require(caller, Action::ReadResults)?;
        let detail = self.store.registry().cluster(caller, cluster).await?;
        let before = period.previous_year();
        let now_text = format!("截至 {}", beijing(self.store.now()).format("%Y-%m-%d %H:%M"));
        let today_text = format!("截至 {}（当前状态）", self.store.today());

        let members = detail.members.len() as u64;
        let orgs = self.cluster_orgs(caller, cluster).await?.len() as u64;
        let coverage = self.store.coverage().cluster_counts(caller, cluster).await?;
        let covered = coverage.own_org + coverage.joint_org;
        let rate = (coverage.total > 0).then(|| covered as f64 * 100.0 / coverage.total as f64);
        let mut coverage_figure = figure("covered", "组织覆盖企业", Value::Count(covered), Drill::Members, &today_text);
        coverage_figure.note = Some(format!(
            "成员企业{}家：单独建立党组织{}家，联合党组织覆盖{}家，工作覆盖{}家，未覆盖{}家",
            coverage.total, coverage.own_org, coverage.joint_org, coverage.work_only, coverage.uncovered
        ));
        let org_cond = self.cluster_org_condition(caller, cluster).await?;
        let (party, new_members) =
            self.member_figures(org_cond, period, "成员企业党员", &today_text, &now_text).await?;
        let organisation = ScoreSection {
            title: "组织建设",
            figures: vec![
                figure("members", "成员企业", Value::Count(members), Drill::Members, &today_text),
                figure("orgs", "成员企业党组织", Value::Count(orgs), Drill::Orgs, &today_text),
                coverage_figure,
                figure("coverage_rate", "组织覆盖率", Value::Percent(rate), Drill::Members, &today_text),
                party,
                new_members,
            ],
        };

        let economy = economy_figures(self.cluster_totals(caller, cluster, period).await?);
        let of = SectionScope { cluster: Some(cluster), region: None };
        Ok(Scorecard {
            cluster_id: cluster,
            cluster_name: detail.cluster.name,
            period,
            previous: before,
            sections: self.sections(caller, of, period, &now_text, organisation, economy).await?,
        })
    }
}
