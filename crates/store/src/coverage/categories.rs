//! Key-enterprise categories: their rules, compiled to SQL conditions, and targets.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, CategoryId};
use qunlian_domain::coverage::CoverageStatus;
use qunlian_domain::rules::{Fact, Rule, industry_prefixes};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{cluster, cluster_member, coverage_category, coverage_cell, park, unit};
use crate::{Result, StoreError};

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
                Fact::Srdi(level) => c.add(unit::Column::Srdi.gte(*level)),
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

impl Coverage<'_> {
    pub async fn categories(self, caller: &Caller) -> Result<Vec<Category>> {
        self.store.require(caller, Action::ReadRegistry)?;
        self.all_categories().await
    }

    pub(super) async fn all_categories(self) -> Result<Vec<Category>> {
        Ok(coverage_category::Entity::find()
            .order_by_asc(coverage_category::Column::Position)
            .order_by_asc(coverage_category::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(Category::from)
            .collect())
    }

    pub async fn category(self, caller: &Caller, id: CategoryId) -> Result<Category> {
        self.store.require(caller, Action::ReadRegistry)?;
        coverage_category::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .map(Category::from)
            .ok_or(StoreError::NotFound)
    }

    /// Creates (`id` None) or changes a category. The rule is parsed and its park and cluster
    /// names resolved before anything is saved; the derived tables follow on the next read.
    pub async fn save_category(self, caller: &Caller, id: Option<CategoryId>, new: NewCategory) -> Result<CategoryId> {
        self.store.require(caller, Action::DefineCoverage)?;
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
            .one(self.store.db())
            .await?;
        if clash.is_some() {
            return Err(StoreError::invalid("类别名称", format!("“{name}”已存在")));
        }
        let now = self.store.now();
        let canonical = rule.to_string();
        let row = match id {
            None => coverage_category::ActiveModel {
                name: Set(name.clone()),
                rule: Set(canonical.clone()),
                target_pct: Set(new.target_pct),
                deadline: Set(new.deadline),
                position: Set(new.position),
                is_demo: Set(new.is_demo),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            },
            Some(id) => {
                let old = coverage_category::Entity::find_by_id(id.0)
                    .one(self.store.db())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let mut m: coverage_category::ActiveModel = old.into();
                m.name = Set(name.clone());
                m.rule = Set(canonical.clone());
                m.target_pct = Set(new.target_pct);
                m.deadline = Set(new.deadline);
                m.position = Set(new.position);
                m.updated_at = Set(now);
                m
            }
        };
        let action = if id.is_some() { "coverage.category.update" } else { "coverage.category.create" };
        let detail = format!("{name}：{canonical}，目标 {}%", new.target_pct);
        let saved = self
            .store
            .save_recorded(caller, row, |saved| Change::new(action, "coverage_category", saved.id, detail))
            .await?;
        Ok(CategoryId(saved.id))
    }

    pub async fn delete_category(self, caller: &Caller, id: CategoryId) -> Result<()> {
        self.store.require(caller, Action::DefineCoverage)?;
        let old =
            coverage_category::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        self.store
            .recorded(
                caller,
                async |txn| {
                    coverage_cell::Entity::delete_many()
                        .filter(coverage_cell::Column::CategoryId.eq(id.0))
                        .exec(txn)
                        .await?;
                    coverage_category::Entity::delete_by_id(id.0).exec(txn).await?;
                    Ok(())
                },
                |()| Change::new("coverage.category.delete", "coverage_category", id, old.name),
            )
            .await
    }

    /// The rule as a condition on `units`, names resolved to ids. An unknown park or cluster
    /// is an error, so a typo never silently empties a category.
    pub(crate) async fn rule_condition(self, rule: &Rule) -> Result<Condition> {
        let mut parks = HashMap::new();
        let mut clusters = HashMap::new();
        for fact in rule.facts() {
            match fact {
                Fact::Park(name) if !parks.contains_key(name) => {
                    let id = self.store.id_named::<park::Entity>(park::Column::Id, park::Column::Name, name).await?;
                    let id = id.ok_or_else(|| StoreError::invalid("规则", format!("园区“{name}”不存在")))?;
                    parks.insert(name.clone(), id);
                }
                Fact::Cluster(Some(name)) if !clusters.contains_key(name) => {
                    let id = self
                        .store
                        .id_named::<cluster::Entity>(cluster::Column::Id, cluster::Column::Name, name)
                        .await?;
                    let id = id.ok_or_else(|| StoreError::invalid("规则", format!("产业集群“{name}”不存在")))?;
                    clusters.insert(name.clone(), id);
                }
                _ => {}
            }
        }
        Ok(compile(rule, &parks, &clusters))
    }

    pub(super) async fn category_condition(self, id: CategoryId) -> Result<Condition> {
        let cat =
            coverage_category::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let rule = Rule::parse(&cat.rule).map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        self.rule_condition(&rule).await
    }

    /// The condition an enterprise list adds for `category=` and `coverage=` drill-downs.
    pub(crate) async fn filter_condition(
        self,
        category: Option<CategoryId>,
        status: Option<CoverageStatus>,
        org_covered: Option<bool>,
    ) -> Result<Condition> {
        let mut c = Condition::all();
        if let Some(id) = category {
            c = c.add(self.category_condition(id).await?);
        }
        if status.is_some() || org_covered.is_some() {
            self.ensure_fresh().await?;
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
}
