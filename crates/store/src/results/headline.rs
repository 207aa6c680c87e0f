//! The headline figures of a scope — the district, a town, or a cluster — for a period: the
//! one function behind the figures API (`/api/v1/figures`) and the 大屏, so a figure shown on
//! the screen, read by another product and printed in a scorecard is computed once, from
//! the records. A cluster's headline is its scorecard; a district's and a town's are counted
//! the same way over their enterprises, organisations and members.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, ClusterId, Scope};
use qunlian_domain::clock::beijing;
use qunlian_domain::coverage::Counts;
use qunlian_domain::region::RegionLevel;
use qunlian_domain::results::{Indicator, Period};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

use super::*;
use crate::entity::{party_org, unit};
use crate::registry::town_name;
use crate::scope::{orgs_in_region, town_in};
use crate::{Result, StoreError};

/// Whose figures: everything the caller's scope reaches (a district admin's district), one
/// town or street, or one cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FigureScope {
    District,
    Town(RegionCode),
    Cluster(ClusterId),
}

impl FigureScope {
    /// `district` (or empty), `town:310117105` (or the bare nine-digit code), `cluster:3`.
    pub fn parse(s: &str) -> std::result::Result<FigureScope, String> {
        // A refusal repeats at most 30 characters of what was sent (an address can hold 60 KB).
        use qunlian_domain::limits::echo;
        let s = s.trim();
        let town = |code: &str| match RegionCode::parse(code) {
            Ok(r) if r.level() == RegionLevel::Town => Ok(FigureScope::Town(r)),
            _ => Err(format!("范围：“{}”不是街镇代码（9位，如 310117105）", echo(code))),
        };
        match s.split_once(':') {
            None if s.is_empty() || s == "district" => Ok(FigureScope::District),
            None if s.len() == 9 && s.chars().all(|c| c.is_ascii_digit()) => town(s),
            Some(("town", code)) => town(code.trim()),
            Some(("cluster", id)) => id
                .trim()
                .parse::<i64>()
                .map(|id| FigureScope::Cluster(ClusterId(id)))
                .map_err(|_| format!("范围：“{}”不是集群编号", echo(id))),
            _ => Err(format!("范围：“{}”无法识别，应为 district、town:街镇代码 或 cluster:集群编号", echo(s))),
        }
    }

    /// The scope a caller's figures default to: its district, its town or its cluster; none
    /// for a branch or an enterprise, which must name a cluster.
    pub fn of_caller(caller: &Caller) -> Option<FigureScope> {
        match &caller.scope {
            Scope::All => Some(FigureScope::District),
            Scope::Region(r) if r.level() == RegionLevel::Town => Some(FigureScope::Town(*r)),
            Scope::Region(_) => Some(FigureScope::District),
            Scope::Cluster(c) => Some(FigureScope::Cluster(*c)),
            _ => None,
        }
    }

    /// One rule for the figures API, the 大屏 and the 工作简报: whether `caller` reaches all
    /// of a district or a town — the district (or the whole deployment) only a caller whose
    /// scope is that district or wider, a town one whose scope contains it. A cluster is
    /// checked by looking it up among the caller's (not found otherwise), so true here.
    pub fn reached_by(self, caller: &Caller) -> bool {
        match (self, &caller.scope) {
            (FigureScope::District, Scope::All) => true,
            (FigureScope::District, Scope::Region(r)) => r.level() != RegionLevel::Town,
            (FigureScope::Town(_), Scope::All) => true,
            (FigureScope::Town(t), Scope::Region(r)) => t == *r || t.is_within(r),
            (FigureScope::Cluster(_), _) => true,
            _ => false,
        }
    }

    pub fn code(&self) -> String {
        match self {
            FigureScope::District => "district".to_owned(),
            FigureScope::Town(r) => format!("town:{r}"),
            FigureScope::Cluster(c) => format!("cluster:{c}"),
        }
    }
}

/// A town's enterprises by coverage: a block of the 大屏's map.
#[derive(Clone, Debug, Serialize)]
pub struct TownCoverage {
    pub code: String,
    pub name: String,
    pub counts: Counts,
}

/// The headline figures of a scope and period, in the sections of a scorecard.
#[derive(Clone, Debug, Serialize)]
pub struct Headline {
    pub scope: FigureScope,
    pub scope_name: String,
    pub period: Period,
    pub previous: Period,
    /// When the figures were counted.
    pub counted_at: String,
    pub sections: Vec<ScoreSection>,
    /// The scope's towns by coverage today, in code order.
    pub towns: Vec<TownCoverage>,
}

impl Headline {
    pub fn figure(&self, key: &str) -> Option<&ScoreFigure> {
        self.sections.iter().flat_map(|s| &s.figures).find(|f| f.key == key)
    }
}

/// Economic sums per period: a trend's points.
pub type Trend = Vec<(Period, Vec<(Indicator, Option<i64>)>)>;

impl Results<'_> {
    /// The scope's name, once the caller is known to reach all of it: a district (or the
    /// whole deployment) only for a caller whose scope is that district or wider, a town for
    /// one whose scope contains it, a cluster the caller may see. Refused otherwise.
    async fn scope_name(self, caller: &Caller, scope: FigureScope) -> Result<String> {
        self.store.require(caller, Action::ReadResults)?;
        if !scope.reached_by(caller) {
            return Err(StoreError::Forbidden);
        }
        match (scope, &caller.scope) {
            (FigureScope::District, Scope::Region(r)) => Ok(r.full_name()),
            (FigureScope::District, _) => Ok("全区".to_owned()),
            (FigureScope::Town(t), _) => Ok(town_name(&t.to_string())),
            (FigureScope::Cluster(c), _) => Ok(self.store.registry().cluster(caller, c).await?.cluster.name),
        }
    }

    /// What a scope's economic figures sum over: a district's or a town's towns (the
    /// derived sums: a caller reaching a district or a town has a region or everything as its
    /// scope, whose units are exactly those of its towns), a cluster's members the caller
    /// reaches (summed directly).
    async fn scope_sums(self, caller: &Caller, scope: FigureScope) -> Result<Over> {
        Ok(match (scope, &caller.scope) {
            (FigureScope::District, Scope::All) => Over::Towns(None),
            (FigureScope::District, Scope::Region(r)) => Over::Towns(Some(*r)),
            (FigureScope::Town(t), Scope::All | Scope::Region(_)) => Over::Towns(Some(t)),
            _ => Over::Units(Some(self.scope_units(caller, scope).await?)),
        })
    }

    /// The units of a scope the caller reaches, as a condition on `units`.
    async fn scope_units(self, caller: &Caller, scope: FigureScope) -> Result<Condition> {
        let own = self.store.unit_scope(caller).await?;
        Ok(match scope {
            FigureScope::District => own,
            FigureScope::Town(t) => own.add(town_in(unit::Column::TownCode, &t)),
            FigureScope::Cluster(c) => own.add(unit::Column::Id.in_subquery(crate::scope::cluster_units(c.0))),
        })
    }

    /// A scope's economic figures summed from the figures themselves, never from the derived
    /// sums: what the tests compare the headline's with.
    pub async fn economy_direct(
        self,
        caller: &Caller,
        scope: FigureScope,
        period: Period,
    ) -> Result<Vec<IndicatorTotal>> {
        self.scope_name(caller, scope).await?;
        let units = self.scope_units(caller, scope).await?;
        self.totals(Over::Units(Some(units)), period).await
    }

    /// A scope's economic figures as the headline has them (the derived sums for a district
    /// or a town).
    pub async fn economy(self, caller: &Caller, scope: FigureScope, period: Period) -> Result<Vec<IndicatorTotal>> {
        self.scope_name(caller, scope).await?;
        let over = self.scope_sums(caller, scope).await?;
        self.totals(over, period).await
    }

    /// Every headline figure of `scope` for `period`, beside the same period of the year
    /// before, each with its as-of time and the records it counts.
    pub async fn headline(self, caller: &Caller, scope: FigureScope, period: Period) -> Result<Headline> {
        let scope_name = self.scope_name(caller, scope).await?;
        let now_text = format!("截至 {}", beijing(self.store.now()).format("%Y-%m-%d %H:%M"));
        let coverage = self.store.coverage();
        let (region, cluster) = match scope {
            FigureScope::District => (None, None),
            FigureScope::Town(t) => (Some(t), None),
            FigureScope::Cluster(c) => (None, Some(c)),
        };
        let towns: Vec<TownCoverage> = coverage
            .counts_by_town(caller, region, cluster)
            .await?
            .into_iter()
            .map(|(code, counts)| TownCoverage { name: town_name(&code), code, counts })
            .collect();
        let sections = match scope {
            FigureScope::Cluster(c) => self.scorecard(caller, c, period).await?.sections,
            _ => {
                let organisation = self.organisation_section(caller, region, &towns, period, &now_text).await?;
                let over = self.scope_sums(caller, scope).await?;
                let economy = economy_figures(self.totals(over, period).await?);
                let of = SectionScope { cluster: None, region };
                self.sections(caller, of, period, &now_text, organisation, economy).await?
            }
        };
        Ok(Headline {
            scope,
            scope_name,
            period,
            previous: period.previous_year(),
            counted_at: now_text,
            sections,
            towns,
        })
    }

    /// Enterprises and their coverage, organisations, members and new members of a district
    /// (`region` None: the caller's whole scope) or a town.
    async fn organisation_section(
        self,
        caller: &Caller,
        region: Option<RegionCode>,
        towns: &[TownCoverage],
        period: Period,
        now_text: &str,
    ) -> Result<ScoreSection> {
        let today_text = format!("截至 {}（当前状态）", self.store.today());
        let mut all = Counts::default();
        for t in towns {
            all.merge(&t.counts);
        }
        let covered = all.org_covered();
        let rate = (all.total > 0).then(|| covered as f64 * 100.0 / all.total as f64);
        let mut orgs =
            Condition::all().add(self.store.org_scope(caller).await?).add(party_org::Column::DissolvedOn.is_null());
        if let Some(r) = &region {
            orgs = orgs.add(orgs_in_region(r));
        }
        let org_count = party_org::Entity::find().filter(orgs.clone()).count(self.store.db()).await?;
        let (party, new_members) = self.member_figures(orgs, period, "党员", &today_text, now_text).await?;
        let mut covered_figure =
            figure("covered", "组织覆盖企业", Value::Count(covered), Drill::Enterprises { covered: true }, &today_text);
        covered_figure.note = Some(format!(
            "企业{}家：单独建立党组织{}家，联合党组织覆盖{}家，工作覆盖{}家，未覆盖{}家",
            all.total, all.own_org, all.joint_org, all.work_only, all.uncovered
        ));
        Ok(ScoreSection {
            title: "组织建设",
            figures: vec![
                figure(
                    "enterprises",
                    "企业",
                    Value::Count(all.total),
                    Drill::Enterprises { covered: false },
                    &today_text,
                ),
                covered_figure,
                figure(
                    "coverage_rate",
                    "组织覆盖率",
                    Value::Percent(rate),
                    Drill::Enterprises { covered: false },
                    &today_text,
                ),
                figure("orgs", "党组织", Value::Count(org_count), Drill::Orgs, &today_text),
                party,
                new_members,
            ],
        })
    }

    /// The economic sums of a scope for each of `periods` (in that order): the 大屏's trend.
    pub async fn trend(self, caller: &Caller, scope: FigureScope, periods: &[Period]) -> Result<Trend> {
        self.scope_name(caller, scope).await?;
        let over = self.scope_sums(caller, scope).await?;
        self.trend_of(over, periods).await
    }
}
