//! Coverage monitoring: key-enterprise categories (rules + targets), each enterprise's derived
//! status, the summary by category and town, responsibility lists and dated snapshots.
//!
//! The status of every enterprise and the counts per category × town are derived tables
//! (`coverage_unit_status`, `coverage_cells`). Triggers on their sources bump a version in
//! `derived_state`; every reader calls [`Store::ensure_coverage_fresh`] first, which rebuilds
//! when the version or the day has moved. So a figure is never older than the records.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, AssignmentId, Caller, CategoryId, Scope, SnapshotId, UnitId};
use qunlian_domain::coverage::{Counts, CoverageStatus, active_on};
use qunlian_domain::registry::OrgForm;
use qunlian_domain::rules::{Fact, Rule, industry_prefixes};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;

use crate::audit::Actor;
use crate::entity::{
    cluster, cluster_member, coverage_assignment, coverage_category, coverage_cell, coverage_snapshot,
    coverage_snapshot_row, coverage_unit_status, coverage_work_link, derived_state, park, party_org, party_org_unit,
    unit,
};
use crate::registry::town_name;
use crate::scope::town_in;
use crate::{Result, Store, StoreError};

const DERIVED: &str = "coverage";

#[derive(Clone, Debug, Serialize)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    /// The rule in its canonical spelling.
    pub rule: String,
    pub target_pct: f64,
    pub deadline: Option<NaiveDate>,
    pub position: i32,
    pub is_demo: bool,
}

impl From<coverage_category::Model> for Category {
    fn from(m: coverage_category::Model) -> Category {
        Category {
            id: CategoryId(m.id),
            name: m.name,
            rule: m.rule,
            target_pct: m.target_pct,
            deadline: m.deadline,
            position: m.position,
            is_demo: m.is_demo,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewCategory {
    pub name: String,
    pub rule: String,
    pub target_pct: f64,
    pub deadline: Option<NaiveDate>,
    pub position: i32,
    pub is_demo: bool,
}

/// What a summary is asked for: within a region (the caller's scope applies on top), one
/// category or all.
#[derive(Clone, Debug, Default)]
pub struct CoverageQuery {
    pub region: Option<RegionCode>,
    pub category: Option<CategoryId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageCell {
    pub category_id: CategoryId,
    pub town_code: String,
    pub town_name: String,
    pub counts: Counts,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageSummary {
    pub as_of: NaiveDate,
    pub categories: Vec<Category>,
    /// Per category, over every town the query and scope reach.
    pub totals: Vec<(CategoryId, Counts)>,
    /// Per category and town, towns in code order; only towns with enterprises in the category.
    pub cells: Vec<CoverageCell>,
}

impl CoverageSummary {
    pub fn total_of(&self, id: CategoryId) -> Counts {
        self.totals.iter().find(|(c, _)| *c == id).map(|(_, n)| *n).unwrap_or_default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkLinkKind {
    /// 党建工作指导员 assigned to the enterprise.
    Instructor,
    /// Its members take part in a neighbour branch's activities.
    Activities,
}

impl WorkLinkKind {
    pub fn code(self) -> &'static str {
        match self {
            WorkLinkKind::Instructor => "instructor",
            WorkLinkKind::Activities => "activities",
        }
    }
    pub fn from_code(code: &str) -> Option<WorkLinkKind> {
        [WorkLinkKind::Instructor, WorkLinkKind::Activities].into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            WorkLinkKind::Instructor => "选派党建工作指导员",
            WorkLinkKind::Activities => "党员参加邻近党组织活动",
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewWorkLink {
    pub unit: UnitId,
    pub kind: WorkLinkKind,
    pub instructor_name: Option<String>,
    pub party_org: Option<i64>,
    pub since: NaiveDate,
    pub note: Option<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkLink {
    pub id: i64,
    pub kind: WorkLinkKind,
    pub kind_label: &'static str,
    pub instructor_name: Option<String>,
    pub party_org: Option<(i64, String)>,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewAssignment {
    pub unit: UnitId,
    pub responsible_unit: String,
    pub instructor_name: Option<String>,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Default)]
pub struct AssignmentFilter {
    /// "open", "closed", or all when `None`.
    pub state: Option<String>,
    pub region: Option<RegionCode>,
    pub overdue: bool,
    pub q: Option<String>,
    /// One enterprise's entries, for its page.
    pub unit: Option<UnitId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub uscc: Option<String>,
    pub town_name: String,
    pub status: CoverageStatus,
    pub status_label: &'static str,
    pub responsible_unit: String,
    pub instructor_name: Option<String>,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub open: bool,
    pub overdue: bool,
    pub closed_on: Option<NaiveDate>,
    pub closed_reason: Option<&'static str>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub id: SnapshotId,
    pub as_of: NaiveDate,
    pub trigger: String,
    pub taken_by: String,
    pub taken_at: DateTime<Utc>,
    pub is_demo: bool,
}

/// One point of a trend: a snapshot's counts for a category (summed over the towns asked).
#[derive(Clone, Debug, Serialize)]
pub struct TrendPoint {
    pub snapshot_id: SnapshotId,
    pub as_of: NaiveDate,
    pub counts: Counts,
    pub target_pct: f64,
    pub is_demo: bool,
}

/// What a rebuild did, for logs and the benchmark.
#[derive(Clone, Copy, Debug, Default)]
pub struct RebuildStats {
    pub covered_units: usize,
    pub cells: usize,
    pub closed_assignments: u64,
}

impl Store {
    // ---------- categories ----------

    pub async fn coverage_categories(&self, caller: &Caller) -> Result<Vec<Category>> {
        self.require(caller, Action::ReadRegistry)?;
        self.all_categories().await
    }

    async fn all_categories(&self) -> Result<Vec<Category>> {
        Ok(coverage_category::Entity::find()
            .order_by_asc(coverage_category::Column::Position)
            .order_by_asc(coverage_category::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(Category::from)
            .collect())
    }

    pub async fn coverage_category(&self, caller: &Caller, id: CategoryId) -> Result<Category> {
        self.require(caller, Action::ReadRegistry)?;
        coverage_category::Entity::find_by_id(id.0)
            .one(self.db())
            .await?
            .map(Category::from)
            .ok_or(StoreError::NotFound)
    }

    /// Creates (`id` None) or changes a category. The rule is parsed and its park and cluster
    /// names resolved before anything is saved; the derived tables follow on the next read.
    pub async fn save_coverage_category(
        &self,
        caller: &Caller,
        id: Option<CategoryId>,
        new: NewCategory,
    ) -> Result<CategoryId> {
        self.require(caller, Action::DefineCoverage)?;
        let name = qunlian_domain::text::normalize(&new.name);
        if name.is_empty() {
            return Err(StoreError::invalid("类别名称", "不能为空"));
        }
        let rule = Rule::parse(&new.rule).map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        self.rule_condition(&rule).await?;
        if !(0.0..=100.0).contains(&new.target_pct) || new.target_pct.is_nan() {
            return Err(StoreError::invalid("目标覆盖率", "应在 0 到 100 之间"));
        }
        let clash = coverage_category::Entity::find()
            .filter(coverage_category::Column::Name.eq(&name))
            .filter(coverage_category::Column::Id.ne(id.map_or(0, |i| i.0)))
            .one(self.db())
            .await?;
        if clash.is_some() {
            return Err(StoreError::invalid("类别名称", format!("“{name}”已存在")));
        }
        let now = self.now();
        let canonical = rule.to_string();
        let saved = match id {
            None => {
                coverage_category::ActiveModel {
                    name: Set(name.clone()),
                    rule: Set(canonical.clone()),
                    target_pct: Set(new.target_pct),
                    deadline: Set(new.deadline),
                    position: Set(new.position),
                    is_demo: Set(new.is_demo),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(self.db())
                .await?
            }
            Some(id) => {
                let old =
                    coverage_category::Entity::find_by_id(id.0).one(self.db()).await?.ok_or(StoreError::NotFound)?;
                let mut m: coverage_category::ActiveModel = old.into();
                m.name = Set(name.clone());
                m.rule = Set(canonical.clone());
                m.target_pct = Set(new.target_pct);
                m.deadline = Set(new.deadline);
                m.position = Set(new.position);
                m.updated_at = Set(now);
                m.update(self.db()).await?
            }
        };
        self.audit(
            caller,
            if id.is_some() { "coverage.category.update" } else { "coverage.category.create" },
            "coverage_category",
            Some(saved.id.to_string()),
            format!("{name}：{canonical}，目标 {}%", new.target_pct),
        )
        .await?;
        Ok(CategoryId(saved.id))
    }

    pub async fn delete_coverage_category(&self, caller: &Caller, id: CategoryId) -> Result<()> {
        self.require(caller, Action::DefineCoverage)?;
        let old = coverage_category::Entity::find_by_id(id.0).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let txn = self.db().begin().await?;
        coverage_cell::Entity::delete_many().filter(coverage_cell::Column::CategoryId.eq(id.0)).exec(&txn).await?;
        coverage_category::Entity::delete_by_id(id.0).exec(&txn).await?;
        txn.commit().await?;
        self.audit(caller, "coverage.category.delete", "coverage_category", Some(id.to_string()), old.name).await
    }

    /// The rule as a condition on `units`, names resolved to ids. An unknown park or cluster
    /// is an error, so a typo never silently empties a category.
    pub(crate) async fn rule_condition(&self, rule: &Rule) -> Result<Condition> {
        let mut parks = HashMap::new();
        let mut clusters = HashMap::new();
        for fact in rule.facts() {
            match fact {
                Fact::Park(name) if !parks.contains_key(name) => {
                    let id: Option<i64> = park::Entity::find()
                        .select_only()
                        .column(park::Column::Id)
                        .filter(park::Column::Name.eq(name))
                        .into_tuple()
                        .one(self.db())
                        .await?;
                    let id = id.ok_or_else(|| StoreError::invalid("规则", format!("园区“{name}”不存在")))?;
                    parks.insert(name.clone(), id);
                }
                Fact::Cluster(Some(name)) if !clusters.contains_key(name) => {
                    let id: Option<i64> = cluster::Entity::find()
                        .select_only()
                        .column(cluster::Column::Id)
                        .filter(cluster::Column::Name.eq(name))
                        .into_tuple()
                        .one(self.db())
                        .await?;
                    let id = id.ok_or_else(|| StoreError::invalid("规则", format!("产业集群“{name}”不存在")))?;
                    clusters.insert(name.clone(), id);
                }
                _ => {}
            }
        }
        Ok(compile(rule, &parks, &clusters))
    }

    async fn category_condition(&self, id: CategoryId) -> Result<Condition> {
        let cat = coverage_category::Entity::find_by_id(id.0).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let rule = Rule::parse(&cat.rule).map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        self.rule_condition(&rule).await
    }

    /// The condition an enterprise list adds for `category=` and `coverage=` drill-downs.
    pub(crate) async fn coverage_filter(
        &self,
        category: Option<CategoryId>,
        status: Option<CoverageStatus>,
        org_covered: Option<bool>,
    ) -> Result<Condition> {
        let mut c = Condition::all();
        if let Some(id) = category {
            c = c.add(self.category_condition(id).await?);
        }
        if status.is_some() || org_covered.is_some() {
            self.ensure_coverage_fresh().await?;
        }
        if let Some(status) = status {
            c = c.add(status_condition(status));
        }
        if let Some(covered) = org_covered {
            let org = Condition::any()
                .add(status_condition(CoverageStatus::OwnOrg))
                .add(status_condition(CoverageStatus::JointOrg));
            c = c.add(if covered { org } else { org.not() });
        }
        Ok(c)
    }

    // ---------- derivation ----------

    /// Rebuilds the derived tables when a source changed or the day moved on.
    pub async fn ensure_coverage_fresh(&self) -> Result<()> {
        let state = self.derived_state().await?;
        if state.version != state.built_version || state.built_for != Some(self.today()) {
            self.rebuild_coverage().await?;
        }
        Ok(())
    }

    async fn derived_state(&self) -> Result<derived_state::Model> {
        derived_state::Entity::find_by_id(DERIVED.to_owned())
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::invalid("覆盖统计", "派生状态缺失，请重新运行迁移"))
    }

    /// Every enterprise's status as of `day`, for the covered ones (the rest are uncovered).
    /// Reads only the links (organisations, work links), which are few beside the units.
    pub async fn coverage_statuses_on(&self, day: NaiveDate) -> Result<HashMap<i64, CoverageStatus>> {
        statuses_on(self.db(), day).await
    }

    /// Recomputes statuses and counts from the records, in one transaction; closes the
    /// responsibility-list entries of enterprises that now have an organisation.
    #[tracing::instrument(skip_all)]
    pub async fn rebuild_coverage(&self) -> Result<RebuildStats> {
        let today = self.today();
        let txn = self.db().begin().await?;
        let state =
            derived_state::Entity::find_by_id(DERIVED.to_owned()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let statuses = statuses_on(&txn, today).await?;

        coverage_unit_status::Entity::delete_many().exec(&txn).await?;
        let rows: Vec<coverage_unit_status::ActiveModel> = statuses
            .iter()
            .map(|(&unit_id, s)| coverage_unit_status::ActiveModel { unit_id: Set(unit_id), status: Set(s.db()) })
            .collect();
        for chunk in rows.chunks(2000) {
            coverage_unit_status::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }

        coverage_cell::Entity::delete_many().exec(&txn).await?;
        let mut cells = 0;
        for cat in coverage_category::Entity::find().all(&txn).await? {
            let Ok(rule) = Rule::parse(&cat.rule) else { continue };
            // A park or cluster renamed away from under a rule empties the category rather than
            // failing every page; the category page says why.
            let Ok(cond) = self.rule_condition(&rule).await else { continue };
            let mut batch = Vec::new();
            for (town, status, n) in group_counts(&txn, cond).await? {
                batch.push(coverage_cell::ActiveModel {
                    category_id: Set(cat.id),
                    town_code: Set(town),
                    status: Set(status.db()),
                    n: Set(n as i64),
                    ..Default::default()
                });
            }
            cells += batch.len();
            for chunk in batch.chunks(1000) {
                coverage_cell::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
            }
        }

        let org_covered: Vec<i64> = statuses.iter().filter(|(_, s)| s.is_org()).map(|(&id, _)| id).collect();
        let mut closed = 0;
        for chunk in org_covered.chunks(500) {
            closed += coverage_assignment::Entity::update_many()
                .col_expr(coverage_assignment::Column::State, Expr::value("closed"))
                .col_expr(coverage_assignment::Column::ClosedOn, Expr::value(today))
                .col_expr(coverage_assignment::Column::ClosedReason, Expr::value("covered"))
                .filter(coverage_assignment::Column::State.eq("open"))
                .filter(coverage_assignment::Column::UnitId.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?
                .rows_affected;
        }

        derived_state::Entity::update_many()
            .col_expr(derived_state::Column::BuiltVersion, Expr::value(state.version))
            .col_expr(derived_state::Column::BuiltFor, Expr::value(today))
            .filter(derived_state::Column::Name.eq(DERIVED))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if closed > 0 {
            self.audit(
                Actor::system(),
                "coverage.assignment.auto_close",
                "coverage_assignment",
                None,
                format!("{closed} 条责任清单因企业已建立党组织自动办结"),
            )
            .await?;
        }
        tracing::info!(covered = statuses.len(), cells, closed, "coverage rebuilt");
        Ok(RebuildStats { covered_units: statuses.len(), cells, closed_assignments: closed })
    }

    // ---------- summary ----------

    /// Counts per category (and per town) within the query's region and the caller's scope.
    /// District and town scopes read the derived cells; narrower scopes (a cluster, an
    /// organisation, an enterprise) count their few enterprises directly.
    #[tracing::instrument(skip_all)]
    pub async fn coverage_summary(&self, caller: &Caller, q: &CoverageQuery) -> Result<CoverageSummary> {
        self.summary(caller, q, false).await
    }

    /// The same summary counted from the enterprises themselves (one GROUP BY per category)
    /// instead of the derived cells: what the cells save, for the benchmark and the tests
    /// that check both agree.
    pub async fn coverage_summary_counted(&self, caller: &Caller, q: &CoverageQuery) -> Result<CoverageSummary> {
        self.summary(caller, q, true).await
    }

    async fn summary(&self, caller: &Caller, q: &CoverageQuery, count_live: bool) -> Result<CoverageSummary> {
        self.require(caller, Action::ReadRegistry)?;
        self.ensure_coverage_fresh().await?;
        let mut categories = self.all_categories().await?;
        if let Some(id) = q.category {
            categories.retain(|c| c.id == id);
            if categories.is_empty() {
                return Err(StoreError::NotFound);
            }
        }
        let mut raw: Vec<(CategoryId, String, CoverageStatus, u64)> = Vec::new();
        match &caller.scope {
            Scope::All | Scope::Region(_) | Scope::Department(_) if !count_live => {
                let mut cond =
                    Condition::all().add(coverage_cell::Column::CategoryId.is_in(categories.iter().map(|c| c.id.0)));
                if let Scope::Region(r) = &caller.scope {
                    cond = cond.add(town_in(coverage_cell::Column::TownCode, r));
                }
                if let Some(r) = &q.region {
                    cond = cond.add(town_in(coverage_cell::Column::TownCode, r));
                }
                for m in coverage_cell::Entity::find().filter(cond).all(self.db()).await? {
                    raw.push((CategoryId(m.category_id), m.town_code, CoverageStatus::from_db(m.status), m.n as u64));
                }
            }
            _ => {
                let scope = self.unit_scope(caller).await?;
                for cat in &categories {
                    let mut cond = Condition::all().add(scope.clone()).add(self.category_condition(cat.id).await?);
                    if let Some(r) = &q.region {
                        cond = cond.add(town_in(unit::Column::TownCode, r));
                    }
                    for (town, status, n) in group_counts(self.db(), cond).await? {
                        raw.push((cat.id, town, status, n));
                    }
                }
            }
        }
        let mut by_cell: HashMap<(CategoryId, String), Counts> = HashMap::new();
        let mut totals: HashMap<CategoryId, Counts> = HashMap::new();
        for (cat, town, status, n) in raw {
            by_cell.entry((cat, town)).or_default().add(status, n);
            totals.entry(cat).or_default().add(status, n);
        }
        let mut cells: Vec<CoverageCell> = by_cell
            .into_iter()
            .map(|((category_id, town_code), counts)| CoverageCell {
                category_id,
                town_name: town_name(&town_code),
                town_code,
                counts,
            })
            .collect();
        let order: HashMap<CategoryId, usize> = categories.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        cells.sort_by(|a, b| (order[&a.category_id], &a.town_code).cmp(&(order[&b.category_id], &b.town_code)));
        let totals = categories.iter().map(|c| (c.id, totals.get(&c.id).copied().unwrap_or_default())).collect();
        Ok(CoverageSummary { as_of: self.today(), categories, totals, cells })
    }

    /// The status of one enterprise today.
    pub async fn coverage_status(&self, caller: &Caller, id: UnitId) -> Result<CoverageStatus> {
        self.unit_in_scope(caller, id).await?;
        self.ensure_coverage_fresh().await?;
        let row = coverage_unit_status::Entity::find_by_id(id.0).one(self.db()).await?;
        Ok(row.map_or(CoverageStatus::Uncovered, |r| CoverageStatus::from_db(r.status)))
    }

    /// The categories an enterprise falls in (by their rules), for its page.
    pub async fn categories_of(&self, caller: &Caller, id: UnitId) -> Result<Vec<Category>> {
        self.unit_in_scope(caller, id).await?;
        let mut out = Vec::new();
        for cat in self.all_categories().await? {
            let Ok(cond) = self.category_condition(cat.id).await else { continue };
            let hit = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .filter(cond.add(unit::Column::Id.eq(id.0)))
                .into_tuple::<i64>()
                .one(self.db())
                .await?;
            if hit.is_some() {
                out.push(cat);
            }
        }
        Ok(out)
    }

    // ---------- work links ----------

    pub async fn work_links(&self, caller: &Caller, id: UnitId) -> Result<Vec<WorkLink>> {
        self.unit_in_scope(caller, id).await?;
        let rows = coverage_work_link::Entity::find()
            .filter(coverage_work_link::Column::UnitId.eq(id.0))
            .order_by_desc(coverage_work_link::Column::Since)
            .all(self.db())
            .await?;
        let org_ids: Vec<i64> = rows.iter().filter_map(|r| r.party_org_id).collect();
        let names: HashMap<i64, String> = party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .column(party_org::Column::Name)
            .filter(party_org::Column::Id.is_in(org_ids))
            .into_tuple::<(i64, String)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let kind = WorkLinkKind::from_code(&r.kind)?;
                Some(WorkLink {
                    id: r.id,
                    kind,
                    kind_label: kind.label(),
                    instructor_name: r.instructor_name,
                    party_org: r.party_org_id.map(|o| (o, names.get(&o).cloned().unwrap_or_default())),
                    since: r.since,
                    until: r.until,
                    note: r.note,
                })
            })
            .collect())
    }

    pub async fn add_work_link(&self, caller: &Caller, new: NewWorkLink) -> Result<i64> {
        self.require(caller, Action::AssignCoverage)?;
        let unit = self.unit_in_scope(caller, new.unit).await?;
        let instructor = new.instructor_name.as_deref().map(qunlian_domain::text::normalize).filter(|s| !s.is_empty());
        match new.kind {
            WorkLinkKind::Instructor if instructor.is_none() => {
                return Err(StoreError::invalid("指导员", "选派指导员时请填写指导员姓名"));
            }
            WorkLinkKind::Activities if new.party_org.is_none() => {
                return Err(StoreError::invalid("党组织", "请选择企业党员参加活动的党组织"));
            }
            _ => {}
        }
        if let Some(org) = new.party_org {
            party_org::Entity::find_by_id(org)
                .one(self.db())
                .await?
                .ok_or_else(|| StoreError::invalid("党组织", "所选党组织不存在"))?;
        }
        let saved = coverage_work_link::ActiveModel {
            unit_id: Set(new.unit.0),
            kind: Set(new.kind.code().to_owned()),
            instructor_name: Set(instructor.clone()),
            party_org_id: Set(new.party_org),
            since: Set(new.since),
            until: Set(None),
            note: Set(new.note.filter(|s| !s.trim().is_empty())),
            is_demo: Set(new.is_demo),
            created_at: Set(self.now()),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        self.audit(
            caller,
            "coverage.work_link.create",
            "unit",
            Some(new.unit.to_string()),
            format!(
                "{}：{}{}",
                unit.name,
                new.kind.label(),
                instructor.map(|i| format!("（{i}）")).unwrap_or_default()
            ),
        )
        .await?;
        Ok(saved.id)
    }

    /// Ends a work link from `on` (the first day it no longer holds).
    pub async fn end_work_link(&self, caller: &Caller, unit: UnitId, link: i64, on: NaiveDate) -> Result<()> {
        self.require(caller, Action::AssignCoverage)?;
        let u = self.unit_in_scope(caller, unit).await?;
        let row = coverage_work_link::Entity::find_by_id(link)
            .filter(coverage_work_link::Column::UnitId.eq(unit.0))
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        if on < row.since {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let mut m: coverage_work_link::ActiveModel = row.into();
        m.until = Set(Some(on));
        m.update(self.db()).await?;
        self.audit(caller, "coverage.work_link.end", "unit", Some(unit.to_string()), format!("{}：{on} 起结束", u.name))
            .await
    }

    // ---------- responsibility lists ----------

    pub async fn create_assignment(&self, caller: &Caller, new: NewAssignment) -> Result<AssignmentId> {
        self.require(caller, Action::AssignCoverage)?;
        let unit = self.unit_in_scope(caller, new.unit).await?;
        let responsible = qunlian_domain::text::normalize(&new.responsible_unit);
        if responsible.is_empty() {
            return Err(StoreError::invalid("责任单位", "不能为空"));
        }
        if self.coverage_status(caller, new.unit).await?.is_org() {
            return Err(StoreError::invalid("企业", format!("{}已建立党组织，无需列入责任清单", unit.name)));
        }
        let open = coverage_assignment::Entity::find()
            .filter(coverage_assignment::Column::UnitId.eq(new.unit.0))
            .filter(coverage_assignment::Column::State.eq("open"))
            .one(self.db())
            .await?;
        if let Some(open) = open {
            return Err(StoreError::invalid(
                "企业",
                format!("{}已在责任清单中（责任单位：{}），请先办结再重新分派", unit.name, open.responsible_unit),
            ));
        }
        let saved = coverage_assignment::ActiveModel {
            unit_id: Set(new.unit.0),
            responsible_unit: Set(responsible.clone()),
            instructor_name: Set(new
                .instructor_name
                .map(|s| qunlian_domain::text::normalize(&s))
                .filter(|s| !s.is_empty())),
            due_on: Set(new.due_on),
            note: Set(new.note.filter(|s| !s.trim().is_empty())),
            state: Set("open".to_owned()),
            closed_on: Set(None),
            closed_reason: Set(None),
            created_by: Set(caller.username.clone()),
            is_demo: Set(new.is_demo),
            created_at: Set(self.now()),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        self.audit(
            caller,
            "coverage.assignment.create",
            "coverage_assignment",
            Some(saved.id.to_string()),
            format!("{} → {responsible}，{} 前完成", unit.name, new.due_on),
        )
        .await?;
        Ok(AssignmentId(saved.id))
    }

    /// Closes an entry by hand (withdrawn), e.g. when the enterprise moved away.
    pub async fn withdraw_assignment(&self, caller: &Caller, id: AssignmentId, reason: &str) -> Result<()> {
        self.require(caller, Action::AssignCoverage)?;
        let row = coverage_assignment::Entity::find_by_id(id.0).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let unit = self.unit_in_scope(caller, UnitId(row.unit_id)).await?;
        if row.state != "open" {
            return Err(StoreError::invalid("责任清单", "该条目已办结"));
        }
        let mut m: coverage_assignment::ActiveModel = row.into();
        m.state = Set("closed".to_owned());
        m.closed_on = Set(Some(self.today()));
        m.closed_reason = Set(Some("withdrawn".to_owned()));
        m.update(self.db()).await?;
        self.audit(
            caller,
            "coverage.assignment.withdraw",
            "coverage_assignment",
            Some(id.to_string()),
            format!("{}：{reason}", unit.name),
        )
        .await
    }

    pub async fn assignments(&self, caller: &Caller, f: &AssignmentFilter) -> Result<Vec<Assignment>> {
        self.require(caller, Action::ReadRegistry)?;
        self.ensure_coverage_fresh().await?;
        let today = self.today();
        let mut units = Condition::all().add(self.unit_scope(caller).await?);
        if let Some(r) = &f.region {
            units = units.add(town_in(unit::Column::TownCode, r));
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            units = units.add(unit::Column::Name.contains(q));
        }
        if let Some(id) = f.unit {
            units = units.add(unit::Column::Id.eq(id.0));
        }
        let mut cond = Condition::all().add(
            coverage_assignment::Column::UnitId
                .in_subquery(Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(units).to_owned()),
        );
        if let Some(state) = f.state.as_deref().filter(|s| *s == "open" || *s == "closed") {
            cond = cond.add(coverage_assignment::Column::State.eq(state));
        }
        if f.overdue {
            cond = cond
                .add(coverage_assignment::Column::State.eq("open"))
                .add(coverage_assignment::Column::DueOn.lt(today));
        }
        let rows = coverage_assignment::Entity::find()
            .filter(cond)
            .order_by_desc(coverage_assignment::Column::State.eq("open"))
            .order_by_asc(coverage_assignment::Column::DueOn)
            .order_by_asc(coverage_assignment::Column::Id)
            .all(self.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
        let mut units: HashMap<i64, unit::Model> = HashMap::new();
        let mut statuses: HashMap<i64, CoverageStatus> = HashMap::new();
        for chunk in ids.chunks(500) {
            for u in unit::Entity::find().filter(unit::Column::Id.is_in(chunk.to_vec())).all(self.db()).await? {
                units.insert(u.id, u);
            }
            for s in coverage_unit_status::Entity::find()
                .filter(coverage_unit_status::Column::UnitId.is_in(chunk.to_vec()))
                .all(self.db())
                .await?
            {
                statuses.insert(s.unit_id, CoverageStatus::from_db(s.status));
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let u = units.get(&r.unit_id)?;
                let status = statuses.get(&r.unit_id).copied().unwrap_or(CoverageStatus::Uncovered);
                let open = r.state == "open";
                Some(Assignment {
                    id: AssignmentId(r.id),
                    unit_id: UnitId(r.unit_id),
                    unit_name: u.name.clone(),
                    uscc: u.uscc.clone(),
                    town_name: town_name(&u.town_code),
                    status,
                    status_label: status.label(),
                    responsible_unit: r.responsible_unit,
                    instructor_name: r.instructor_name,
                    due_on: r.due_on,
                    note: r.note,
                    open,
                    overdue: open && r.due_on < today,
                    closed_on: r.closed_on,
                    closed_reason: r.closed_reason.as_deref().map(|c| match c {
                        "covered" => "已建立党组织，自动办结",
                        _ => "人工撤销",
                    }),
                    created_by: r.created_by,
                    created_at: r.created_at,
                })
            })
            .collect())
    }

    // ---------- snapshots ----------

    /// Takes a snapshot of every category × town as of today (from the derived cells) or of
    /// an earlier day (recomputed from dated records: organisations' establishment and
    /// dissolution dates and work links; enterprise attributes as they are now).
    pub async fn take_coverage_snapshot(
        &self,
        actor: impl Into<Actor>,
        as_of: NaiveDate,
        trigger: &str,
        is_demo: bool,
    ) -> Result<SnapshotId> {
        let actor = actor.into();
        let categories = self.all_categories().await?;
        let mut cells: HashMap<(i64, String), Counts> = HashMap::new();
        if as_of == self.today() {
            self.ensure_coverage_fresh().await?;
            for m in coverage_cell::Entity::find().all(self.db()).await? {
                cells
                    .entry((m.category_id, m.town_code))
                    .or_default()
                    .add(CoverageStatus::from_db(m.status), m.n as u64);
            }
        } else {
            let statuses = self.coverage_statuses_on(as_of).await?;
            for cat in &categories {
                let Ok(cond) = self.category_condition(cat.id).await else { continue };
                for (id, town) in members(self.db(), cond).await? {
                    let status = statuses.get(&id).copied().unwrap_or(CoverageStatus::Uncovered);
                    cells.entry((cat.id.0, town)).or_default().add(status, 1);
                }
            }
        }
        let names: HashMap<i64, &Category> = categories.iter().map(|c| (c.id.0, c)).collect();
        let txn = self.db().begin().await?;
        let snap = coverage_snapshot::ActiveModel {
            as_of: Set(as_of),
            trigger: Set(trigger.to_owned()),
            taken_by: Set(actor.username.clone()),
            taken_at: Set(self.now()),
            is_demo: Set(is_demo),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let rows: Vec<coverage_snapshot_row::ActiveModel> = cells
            .into_iter()
            .filter_map(|((cat, town), c)| {
                let category = names.get(&cat)?;
                Some(coverage_snapshot_row::ActiveModel {
                    snapshot_id: Set(snap.id),
                    category_id: Set(cat),
                    category_name: Set(category.name.clone()),
                    target_pct: Set(category.target_pct),
                    town_code: Set(town),
                    total: Set(c.total as i64),
                    own_org: Set(c.own_org as i64),
                    joint_org: Set(c.joint_org as i64),
                    work_only: Set(c.work_only as i64),
                    uncovered: Set(c.uncovered as i64),
                    ..Default::default()
                })
            })
            .collect();
        for chunk in rows.chunks(1000) {
            coverage_snapshot_row::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
        txn.commit().await?;
        self.audit(
            actor,
            "coverage.snapshot",
            "coverage_snapshot",
            Some(snap.id.to_string()),
            format!("截至 {as_of}（{trigger}）"),
        )
        .await?;
        Ok(SnapshotId(snap.id))
    }

    /// A snapshot taken by a user from the coverage page.
    pub async fn snapshot_now(&self, caller: &Caller) -> Result<SnapshotId> {
        self.require(caller, Action::AssignCoverage)?;
        self.take_coverage_snapshot(caller, self.today(), "manual", false).await
    }

    /// The schedule: one snapshot per month, taken on the first check of the month. Returns
    /// the new snapshot, or None when this month already has one.
    pub async fn scheduled_snapshot(&self) -> Result<Option<SnapshotId>> {
        let today = self.today();
        let month_start = today.with_day0(0).unwrap_or(today);
        let exists = coverage_snapshot::Entity::find()
            .filter(coverage_snapshot::Column::Trigger.eq("scheduled"))
            .filter(coverage_snapshot::Column::AsOf.gte(month_start))
            .one(self.db())
            .await?;
        if exists.is_some() || self.all_categories().await?.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.take_coverage_snapshot(Actor::system(), today, "scheduled", false).await?))
    }

    pub async fn coverage_snapshots(&self, caller: &Caller) -> Result<Vec<Snapshot>> {
        self.require(caller, Action::ReadRegistry)?;
        Ok(coverage_snapshot::Entity::find()
            .order_by_desc(coverage_snapshot::Column::AsOf)
            .order_by_desc(coverage_snapshot::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| Snapshot {
                id: SnapshotId(m.id),
                as_of: m.as_of,
                trigger: m.trigger,
                taken_by: m.taken_by,
                taken_at: m.taken_at,
                is_demo: m.is_demo,
            })
            .collect())
    }

    /// A category's counts in every snapshot, oldest first, summed over the towns of the
    /// region asked and the caller's scope. Narrower scopes than a town have no trend:
    /// snapshots are kept per town.
    pub async fn coverage_trend(
        &self,
        caller: &Caller,
        category: CategoryId,
        region: Option<&RegionCode>,
    ) -> Result<Vec<TrendPoint>> {
        self.require(caller, Action::ReadRegistry)?;
        let mut cond = Condition::all().add(coverage_snapshot_row::Column::CategoryId.eq(category.0));
        match &caller.scope {
            Scope::All | Scope::Department(_) => {}
            Scope::Region(r) => cond = cond.add(town_in(coverage_snapshot_row::Column::TownCode, r)),
            _ => return Ok(Vec::new()),
        }
        if let Some(r) = region {
            cond = cond.add(town_in(coverage_snapshot_row::Column::TownCode, r));
        }
        let rows = coverage_snapshot_row::Entity::find().filter(cond).all(self.db()).await?;
        let snaps: HashMap<i64, coverage_snapshot::Model> =
            coverage_snapshot::Entity::find().all(self.db()).await?.into_iter().map(|s| (s.id, s)).collect();
        let mut points: HashMap<i64, TrendPoint> = HashMap::new();
        for r in rows {
            let Some(s) = snaps.get(&r.snapshot_id) else { continue };
            let p = points.entry(r.snapshot_id).or_insert_with(|| TrendPoint {
                snapshot_id: SnapshotId(s.id),
                as_of: s.as_of,
                counts: Counts::default(),
                target_pct: r.target_pct,
                is_demo: s.is_demo,
            });
            let c = Counts {
                total: r.total as u64,
                own_org: r.own_org as u64,
                joint_org: r.joint_org as u64,
                work_only: r.work_only as u64,
                uncovered: r.uncovered as u64,
            };
            p.counts.merge(&c);
        }
        let mut points: Vec<TrendPoint> = points.into_values().collect();
        points.sort_by_key(|p| (p.as_of, p.snapshot_id.0));
        Ok(points)
    }
}

/// `status` as a condition on `units`, from the derived status table.
fn status_condition(status: CoverageStatus) -> Condition {
    let covered = |s: Option<CoverageStatus>| {
        let mut q = Query::select();
        q.column(coverage_unit_status::Column::UnitId).from(coverage_unit_status::Entity);
        if let Some(s) = s {
            q.and_where(coverage_unit_status::Column::Status.eq(s.db()));
        }
        q.to_owned()
    };
    Condition::all().add(match status {
        CoverageStatus::Uncovered => unit::Column::Id.not_in_subquery(covered(None)),
        s => unit::Column::Id.in_subquery(covered(Some(s))),
    })
}

/// Compiles a rule to SQL over `units`. NULL attributes never match a fact (as in
/// [`Rule::matches`]), so `非` of a fact about an unknown value holds.
fn compile(rule: &Rule, parks: &HashMap<String, i64>, clusters: &HashMap<String, i64>) -> Condition {
    match rule {
        Rule::All(rules) => rules.iter().fold(Condition::all(), |c, r| c.add(compile(r, parks, clusters))),
        Rule::Any(rules) => rules.iter().fold(Condition::any(), |c, r| c.add(compile(r, parks, clusters))),
        Rule::Not(r) => compile(r, parks, clusters).not(),
        Rule::Fact(f) => {
            let c = Condition::all();
            match f {
                Fact::HighTech => c.add(unit::Column::HighTech.eq(true)),
                Fact::AboveScale => c.add(unit::Column::AboveScale.eq(true)),
                Fact::Listed => c.add(unit::Column::Listed.eq(true)),
                Fact::KeyProject => c.add(unit::Column::KeyProject.eq(true)),
                Fact::Srdi(level) => c.add(unit::Column::Srdi.gte(level.code())),
                Fact::Employees(cmp, n) => {
                    let col = unit::Column::Employees;
                    let n = *n;
                    c.add(col.is_not_null()).add(match cmp {
                        qunlian_domain::rules::Cmp::Ge => col.gte(n),
                        qunlian_domain::rules::Cmp::Gt => col.gt(n),
                        qunlian_domain::rules::Cmp::Le => col.lte(n),
                        qunlian_domain::rules::Cmp::Lt => col.lt(n),
                        qunlian_domain::rules::Cmp::Eq => col.eq(n),
                    })
                }
                Fact::Industry(code) => c.add(unit::Column::IndustryCode.is_not_null()).add(
                    industry_prefixes(*code)
                        .into_iter()
                        .fold(Condition::any(), |any, p| any.add(unit::Column::IndustryCode.starts_with(p))),
                ),
                Fact::Park(name) => c
                    .add(unit::Column::ParkId.is_not_null())
                    .add(unit::Column::ParkId.eq(parks.get(name).copied().unwrap_or(-1))),
                Fact::Cluster(which) => {
                    let mut q = Query::select();
                    q.column(cluster_member::Column::UnitId)
                        .from(cluster_member::Entity)
                        .and_where(cluster_member::Column::LeftOn.is_null());
                    if let Some(name) = which {
                        q.and_where(cluster_member::Column::ClusterId.eq(clusters.get(name).copied().unwrap_or(-1)));
                    }
                    c.add(unit::Column::Id.in_subquery(q.to_owned()))
                }
            }
        }
    }
}

fn enterprises() -> Condition {
    Condition::all().add(unit::Column::Kind.eq(qunlian_domain::registry::UnitKind::Enterprise.code()))
}

/// Counts of enterprises matching `cond` per town and status: the one counting query, used
/// by the rebuild (all enterprises) and by narrow scopes (their own).
async fn group_counts(db: &impl ConnectionTrait, cond: Condition) -> Result<Vec<(String, CoverageStatus, u64)>> {
    // No row in the status table means uncovered (0).
    let status = Expr::cust(r#"CAST(COALESCE("coverage_unit_status"."status", 0) AS BIGINT)"#);
    let stmt: SelectStatement = Query::select()
        .column((unit::Entity, unit::Column::TownCode))
        .expr_as(status.clone(), Alias::new("status"))
        .expr_as(Expr::col((unit::Entity, unit::Column::Id)).count(), Alias::new("n"))
        .from(unit::Entity)
        .left_join(
            coverage_unit_status::Entity,
            Expr::col((coverage_unit_status::Entity, coverage_unit_status::Column::UnitId))
                .equals((unit::Entity, unit::Column::Id)),
        )
        .cond_where(Condition::all().add(enterprises()).add(cond))
        .group_by_col((unit::Entity, unit::Column::TownCode))
        .add_group_by([status])
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let town: String = row.try_get("", "town_code")?;
        let status: i64 = row.try_get("", "status")?;
        let n: i64 = row.try_get("", "n")?;
        out.push((town, CoverageStatus::from_db(status as i16), n as u64));
    }
    Ok(out)
}

/// The enterprises matching `cond`, with their towns: for counting as of an earlier day.
async fn members(db: &impl ConnectionTrait, cond: Condition) -> Result<Vec<(i64, String)>> {
    Ok(unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::TownCode)
        .filter(Condition::all().add(enterprises()).add(cond))
        .into_tuple()
        .all(db)
        .await?)
}

/// The status of every covered enterprise on `day`, from organisations' dates and work links.
async fn statuses_on(db: &impl ConnectionTrait, day: NaiveDate) -> Result<HashMap<i64, CoverageStatus>> {
    let orgs: HashMap<i64, (String, Option<NaiveDate>, Option<NaiveDate>)> = party_org::Entity::find()
        .select_only()
        .column(party_org::Column::Id)
        .column(party_org::Column::Form)
        .column(party_org::Column::EstablishedOn)
        .column(party_org::Column::DissolvedOn)
        .into_tuple::<(i64, String, Option<NaiveDate>, Option<NaiveDate>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, form, from, until)| (id, (form, from, until)))
        .collect();
    let links: Vec<(i64, i64, Option<NaiveDate>)> = party_org_unit::Entity::find()
        .select_only()
        .column(party_org_unit::Column::UnitId)
        .column(party_org_unit::Column::PartyOrgId)
        .column(party_org_unit::Column::Since)
        .into_tuple()
        .all(db)
        .await?;
    let mut forms: HashMap<i64, Vec<OrgForm>> = HashMap::new();
    for (unit_id, org_id, since) in links {
        let Some((form, from, until)) = orgs.get(&org_id) else { continue };
        if active_on(*from, *until, day)
            && since.is_none_or(|s| s <= day)
            && let Some(form) = OrgForm::from_code(form)
        {
            forms.entry(unit_id).or_default().push(form);
        }
    }
    let work: Vec<(i64, NaiveDate, Option<NaiveDate>)> = coverage_work_link::Entity::find()
        .select_only()
        .column(coverage_work_link::Column::UnitId)
        .column(coverage_work_link::Column::Since)
        .column(coverage_work_link::Column::Until)
        .into_tuple()
        .all(db)
        .await?;
    let mut worked: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (unit_id, since, until) in work {
        if active_on(Some(since), until, day) {
            worked.insert(unit_id);
        }
    }
    let mut out = HashMap::new();
    for unit_id in forms.keys().chain(worked.iter()).copied().collect::<std::collections::HashSet<_>>() {
        let status =
            CoverageStatus::derive(forms.get(&unit_id).cloned().unwrap_or_default(), worked.contains(&unit_id));
        if status != CoverageStatus::Uncovered {
            out.insert(unit_id, status);
        }
    }
    Ok(out)
}
