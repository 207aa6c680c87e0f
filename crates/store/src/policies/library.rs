//! The policy library: policies, their validity, eligibility rules and eligible enterprises.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::auth::{Action, Caller, Role, Scope, UnitId};
use qunlian_domain::registry::UnitKind;
use qunlian_domain::rules::Rule;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{policy, unit};
use crate::registry::town_name;
use crate::{Page, PageRequest, Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Policy {
    pub id: i64,
    pub title: String,
    pub department_id: i64,
    pub department_name: String,
    pub doc_number: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub content: String,
    /// The rule in its canonical spelling.
    pub rule: String,
    pub is_demo: bool,
    pub updated_at: DateTime<Utc>,
}

/// Where a policy stands on a day: the domain's (valid / upcoming / expired).
pub use qunlian_domain::policies::Validity;

impl Policy {
    pub fn validity_on(&self, day: NaiveDate) -> Validity {
        Validity::on(day, self.valid_from, self.valid_until)
    }

    /// "2024-01-01 至 2026-12-31", or "2024-01-01 起长期有效".
    pub fn period(&self) -> String {
        qunlian_domain::policies::period(self.valid_from, self.valid_until)
    }
}

#[derive(Clone, Debug)]
pub struct NewPolicy {
    pub title: String,
    pub department_id: i64,
    pub doc_number: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub content: String,
    pub rule: String,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PolicyFilter {
    pub validity: Option<Validity>,
    pub department: Option<i64>,
    /// Part of the title or the 文号.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EligibleEnterprise {
    pub id: UnitId,
    pub name: String,
    pub town_name: String,
}

impl Policies<'_> {
    pub(super) async fn department_names(self) -> Result<HashMap<i64, String>> {
        Ok(self.store.services().departments().await?.into_iter().collect())
    }

    pub(super) fn to_policy(m: policy::Model, names: &HashMap<i64, String>) -> Policy {
        Policy {
            department_name: names.get(&m.department_id).cloned().unwrap_or_else(|| "（部门已删除）".to_owned()),
            id: m.id,
            title: m.title,
            department_id: m.department_id,
            doc_number: m.doc_number,
            valid_from: m.valid_from,
            valid_until: m.valid_until,
            content: m.content,
            rule: m.rule,
            is_demo: m.is_demo,
            updated_at: m.updated_at,
        }
    }

    /// Enterprises that match a policy's rule, as a condition on `units`.
    pub(super) async fn eligible_condition(self, rule: &str) -> Result<Condition> {
        let rule = Rule::parse(rule).map_err(|e| StoreError::invalid(RULE_FIELD, e.to_string()))?;
        let cond = self.store.coverage().rule_condition(&rule).await.map_err(relabel)?;
        Ok(Condition::all().add(unit::Column::Kind.eq(UnitKind::Enterprise.code())).add(cond))
    }

    pub async fn list(self, caller: &Caller, f: &PolicyFilter) -> Result<Vec<Policy>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let today = self.store.today();
        let mut q = policy::Entity::find();
        match f.validity {
            Some(Validity::Valid) => q = q.filter(valid_on(today)),
            Some(Validity::Upcoming) => q = q.filter(policy::Column::ValidFrom.gt(today)),
            Some(Validity::Expired) => q = q.filter(policy::Column::ValidUntil.lt(today)),
            None => {}
        }
        if let Some(d) = f.department {
            q = q.filter(policy::Column::DepartmentId.eq(d));
        }
        if let Some(text) = crate::shared::search_text(f.q.as_deref())? {
            q = q.filter(
                Condition::any()
                    .add(policy::Column::Title.contains(text))
                    .add(policy::Column::DocNumber.contains(text)),
            );
        }
        let rows =
            q.order_by_desc(policy::Column::ValidFrom).order_by_asc(policy::Column::Id).all(self.store.db()).await?;
        let names = self.department_names().await?;
        self.store.audit().record(caller, "policy.list", "policy", None, format!("政策库，{} 条", rows.len())).await?;
        Ok(rows.into_iter().map(|m| Policies::to_policy(m, &names)).collect())
    }

    pub async fn policy(self, caller: &Caller, id: i64) -> Result<Policy> {
        self.store.require(caller, Action::ReadRegistry)?;
        let p = self.load_policy(id).await?;
        self.store.audit().record(caller, "policy.view", "policy", Some(id.to_string()), p.title.clone()).await?;
        Ok(p)
    }

    pub(super) async fn load_policy(self, id: i64) -> Result<Policy> {
        let m = policy::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        Ok(Policies::to_policy(m, &self.department_names().await?))
    }

    /// Creates (`id` None) or changes a policy. A service officer or department head writes only its own
    /// department's policies; the rule is parsed and its names resolved before anything is saved.
    pub async fn save(self, caller: &Caller, id: Option<i64>, new: NewPolicy) -> Result<i64> {
        self.store.require(caller, Action::ManagePolicies)?;
        // Anyone but the district admin is confined to the department of its scope.
        let own_department = match (&caller.role, &caller.scope) {
            (Role::DistrictAdmin, _) => None,
            (_, Scope::Department(d)) => Some(d.0),
            _ => return Err(StoreError::Forbidden),
        };
        let old = match id {
            Some(id) => {
                let old = policy::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
                if own_department.is_some_and(|d| d != old.department_id) {
                    return Err(StoreError::Forbidden);
                }
                Some(old)
            }
            None => None,
        };
        let title = qunlian_domain::text::normalize(&new.title);
        if title.is_empty() {
            return Err(StoreError::invalid("政策名称", "不能为空"));
        }
        if own_department.is_some_and(|d| d != new.department_id) {
            return Err(StoreError::invalid("发文部门", "只能是您所在的部门"));
        }
        let dept = unit::Entity::find_by_id(new.department_id)
            .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
            .one(self.store.db())
            .await?
            .ok_or_else(|| StoreError::invalid("发文部门", "不是已登记的政府部门"))?;
        if new.valid_until.is_some_and(|u| u < new.valid_from) {
            return Err(StoreError::invalid("有效期", "截止日期早于起始日期"));
        }
        let rule = Rule::parse(&new.rule).map_err(|e| StoreError::invalid(RULE_FIELD, e.to_string()))?;
        self.store.coverage().rule_condition(&rule).await.map_err(relabel)?;
        let canonical = rule.to_string();
        let doc_number = qunlian_domain::text::normalize(&new.doc_number);
        let content = new.content.trim().replace("\r\n", "\n");
        let now = self.store.now();
        let row = match old {
            None => policy::ActiveModel {
                title: Set(title.clone()),
                department_id: Set(dept.id),
                doc_number: Set(doc_number.clone()),
                valid_from: Set(new.valid_from),
                valid_until: Set(new.valid_until),
                content: Set(content),
                rule: Set(canonical.clone()),
                is_demo: Set(new.is_demo),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            },
            Some(old) => {
                let mut m: policy::ActiveModel = old.into();
                m.title = Set(title.clone());
                m.department_id = Set(dept.id);
                m.doc_number = Set(doc_number.clone());
                m.valid_from = Set(new.valid_from);
                m.valid_until = Set(new.valid_until);
                m.content = Set(content);
                m.rule = Set(canonical.clone());
                m.updated_at = Set(now);
                m
            }
        };
        let action = if id.is_some() { "policy.update" } else { "policy.create" };
        let detail = format!("{title}（{doc_number}，{}）：{canonical}", dept.name);
        let saved =
            self.store.save_recorded(caller, row, |saved| Change::new(action, "policy", saved.id, detail)).await?;
        Ok(saved.id)
    }

    /// Enterprises in the caller's scope that match the policy's rule now, whatever its validity.
    pub async fn match_count(self, caller: &Caller, id: i64) -> Result<u64> {
        self.store.require(caller, Action::ReadRegistry)?;
        let p = self.load_policy(id).await?;
        let cond = self.eligible_condition(&p.rule).await?.add(self.store.unit_scope(caller).await?);
        Ok(unit::Entity::find().filter(cond).count(self.store.db()).await?)
    }

    /// The enterprises behind [`Policies::match_count`], by name. The enterprise list's
    /// filter cannot say 或 and 非, so the policy pages list them themselves.
    pub async fn enterprises(self, caller: &Caller, id: i64, page: PageRequest) -> Result<Page<EligibleEnterprise>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let p = self.load_policy(id).await?;
        let cond = self.eligible_condition(&p.rule).await?.add(self.store.unit_scope(caller).await?);
        let total = unit::Entity::find().filter(cond.clone()).count(self.store.db()).await?;
        let rows: Vec<(i64, String, String)> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .column(unit::Column::TownCode)
            .filter(cond)
            .order_by_asc(unit::Column::Name)
            .order_by_asc(unit::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .into_tuple()
            .all(self.store.db())
            .await?;
        self.store
            .audit()
            .record(caller, "policy.enterprises", "policy", Some(id.to_string()), format!("符合条件企业 {total} 家"))
            .await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|(id, name, town)| EligibleEnterprise { id: UnitId(id), name, town_name: town_name(&town) })
                .collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}
