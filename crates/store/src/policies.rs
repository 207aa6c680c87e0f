//! The policy library (惠企政策), pushes and read receipts.
//!
//! A policy names its issuing department, its 文号, its validity and an eligibility rule in
//! the language of coverage categories (`高新技术企业 且 从业人数>=100`), compiled to SQL by
//! [`Store::rule_condition`]. A push sends one policy or a package to every enterprise that
//! matches each policy's rule inside the pusher's scope (optionally narrowed to a town or a
//! cluster), for the policies valid that day, writing one receipt per (push, policy,
//! enterprise) with one `INSERT … SELECT` per policy, all in one transaction. The
//! enterprise's contact sees its list (免申即享) and opening a policy marks its receipts read.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, ClusterId, Role, Scope, UnitId};
use qunlian_domain::registry::UnitKind;
use qunlian_domain::rules::Rule;
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use crate::entity::{cluster, cluster_member, policy, policy_push, policy_push_item, policy_receipt, unit};
use crate::registry::town_name;
use crate::scope::{town_code_range, town_in};
use crate::{Page, PageRequest, Result, Store, StoreError};

/// The field named in the messages about a policy's rule.
const RULE_FIELD: &str = "适用条件";

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

/// Where a policy stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Upcoming,
    Expired,
}

impl Validity {
    pub fn code(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Upcoming => "upcoming",
            Validity::Expired => "expired",
        }
    }
    pub fn from_code(code: &str) -> Option<Validity> {
        [Validity::Valid, Validity::Upcoming, Validity::Expired].into_iter().find(|v| v.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            Validity::Valid => "有效",
            Validity::Upcoming => "未生效",
            Validity::Expired => "已失效",
        }
    }
}

impl Policy {
    pub fn validity_on(&self, day: NaiveDate) -> Validity {
        if day < self.valid_from {
            Validity::Upcoming
        } else if self.valid_until.is_some_and(|u| day > u) {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }

    /// "2024-01-01 至 2026-12-31", or "2024-01-01 起长期有效".
    pub fn period(&self) -> String {
        match self.valid_until {
            Some(u) => format!("{} 至 {}", self.valid_from.format("%Y-%m-%d"), u.format("%Y-%m-%d")),
            None => format!("{} 起长期有效", self.valid_from.format("%Y-%m-%d")),
        }
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

/// Where a push goes: the pusher's whole scope, or a town or a cluster inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushTarget {
    Own,
    Town(RegionCode),
    Cluster(ClusterId),
}

impl PushTarget {
    /// `own`, `town:310117105`, `cluster:3`.
    pub fn code(&self) -> String {
        match self {
            PushTarget::Own => "own".to_owned(),
            PushTarget::Town(r) => format!("town:{r}"),
            PushTarget::Cluster(c) => format!("cluster:{c}"),
        }
    }
    pub fn from_code(code: &str) -> Option<PushTarget> {
        match code.split_once(':') {
            None if code == "own" || code.is_empty() => Some(PushTarget::Own),
            Some(("town", v)) => RegionCode::parse(v).ok().map(PushTarget::Town),
            Some(("cluster", v)) => v.parse().ok().map(|id| PushTarget::Cluster(ClusterId(id))),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PreviewItem {
    pub policy: Policy,
    pub validity: Validity,
    /// Eligible enterprises of the target today; 0 for a policy not valid today.
    pub recipients: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushPreview {
    pub target_label: String,
    pub items: Vec<PreviewItem>,
    /// Enterprises that would receive at least one policy.
    pub enterprises: u64,
    pub receipts: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushSummary {
    pub id: i64,
    pub title: String,
    pub target_label: String,
    pub pushed_by_name: String,
    pub pushed_at: DateTime<Utc>,
    pub policies: u64,
    /// Counted over the enterprises the reader may see.
    pub enterprises: u64,
    pub enterprises_read: u64,
    pub receipts: u64,
    pub receipts_read: u64,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushItem {
    pub policy_id: i64,
    pub title: String,
    pub doc_number: String,
    pub sent: u64,
    pub read: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushDetail {
    pub summary: PushSummary,
    pub items: Vec<PushItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Recipient {
    pub unit_id: UnitId,
    pub name: String,
    pub town_name: String,
    pub received: u64,
    pub read: u64,
    pub last_read_at: Option<DateTime<Utc>>,
}

/// A policy as an enterprise's contact sees it.
#[derive(Clone, Debug, Serialize)]
pub struct MyPolicy {
    pub policy: Policy,
    /// When it was last pushed to the enterprise; None for a policy found by its rule only.
    pub pushed_at: Option<DateTime<Utc>>,
    pub unread: bool,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EligibleEnterprise {
    pub id: UnitId,
    pub name: String,
    pub town_name: String,
}

/// Per policy of one enterprise: last pushed, first read, any receipt unread.
type ReceiptState = (DateTime<Utc>, Option<DateTime<Utc>>, bool);

fn relabel(e: StoreError) -> StoreError {
    match e {
        StoreError::Invalid { message, .. } => StoreError::invalid(RULE_FIELD, message),
        other => other,
    }
}

fn units_where(condition: Condition) -> SelectStatement {
    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(condition).to_owned()
}

fn valid_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(policy::Column::ValidFrom.lte(day))
        .add(Condition::any().add(policy::Column::ValidUntil.is_null()).add(policy::Column::ValidUntil.gte(day)))
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Store {
    async fn department_names(&self) -> Result<HashMap<i64, String>> {
        Ok(self.departments().await?.into_iter().collect())
    }

    fn to_policy(m: policy::Model, names: &HashMap<i64, String>) -> Policy {
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
    async fn eligible_condition(&self, rule: &str) -> Result<Condition> {
        let rule = Rule::parse(rule).map_err(|e| StoreError::invalid(RULE_FIELD, e.to_string()))?;
        let cond = self.rule_condition(&rule).await.map_err(relabel)?;
        Ok(Condition::all().add(unit::Column::Kind.eq(UnitKind::Enterprise.code())).add(cond))
    }

    // ---------- library ----------

    pub async fn policies(&self, caller: &Caller, f: &PolicyFilter) -> Result<Vec<Policy>> {
        self.require(caller, Action::ReadRegistry)?;
        let today = self.today();
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
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            q = q.filter(
                Condition::any()
                    .add(policy::Column::Title.contains(text))
                    .add(policy::Column::DocNumber.contains(text)),
            );
        }
        let rows = q.order_by_desc(policy::Column::ValidFrom).order_by_asc(policy::Column::Id).all(self.db()).await?;
        let names = self.department_names().await?;
        self.audit(caller, "policy.list", "policy", None, format!("政策库，{} 条", rows.len())).await?;
        Ok(rows.into_iter().map(|m| Store::to_policy(m, &names)).collect())
    }

    pub async fn policy(&self, caller: &Caller, id: i64) -> Result<Policy> {
        self.require(caller, Action::ReadRegistry)?;
        let p = self.load_policy(id).await?;
        self.audit(caller, "policy.view", "policy", Some(id.to_string()), p.title.clone()).await?;
        Ok(p)
    }

    async fn load_policy(&self, id: i64) -> Result<Policy> {
        let m = policy::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        Ok(Store::to_policy(m, &self.department_names().await?))
    }

    /// Creates (`id` None) or changes a policy. A service officer or department head writes only its own
    /// department's policies; the rule is parsed and its names resolved before anything is saved.
    pub async fn save_policy(&self, caller: &Caller, id: Option<i64>, new: NewPolicy) -> Result<i64> {
        self.require(caller, Action::ManagePolicies)?;
        // Anyone but the district admin is confined to the department of its scope.
        let own_department = match (&caller.role, &caller.scope) {
            (Role::DistrictAdmin, _) => None,
            (_, Scope::Department(d)) => Some(d.0),
            _ => return Err(StoreError::Forbidden),
        };
        let old = match id {
            Some(id) => {
                let old = policy::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)?;
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
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::invalid("发文部门", "不是已登记的政府部门"))?;
        if new.valid_until.is_some_and(|u| u < new.valid_from) {
            return Err(StoreError::invalid("有效期", "截止日期早于起始日期"));
        }
        let rule = Rule::parse(&new.rule).map_err(|e| StoreError::invalid(RULE_FIELD, e.to_string()))?;
        self.rule_condition(&rule).await.map_err(relabel)?;
        let canonical = rule.to_string();
        let doc_number = qunlian_domain::text::normalize(&new.doc_number);
        let content = new.content.trim().replace("\r\n", "\n");
        let now = self.now();
        let saved = match old {
            None => {
                policy::ActiveModel {
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
                }
                .insert(self.db())
                .await?
            }
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
                m.update(self.db()).await?
            }
        };
        self.audit(
            caller,
            if id.is_some() { "policy.update" } else { "policy.create" },
            "policy",
            Some(saved.id.to_string()),
            format!("{title}（{doc_number}，{}）：{canonical}", dept.name),
        )
        .await?;
        Ok(saved.id)
    }

    /// Enterprises in the caller's scope that match the policy's rule now, whatever its validity.
    pub async fn policy_match_count(&self, caller: &Caller, id: i64) -> Result<u64> {
        self.require(caller, Action::ReadRegistry)?;
        let p = self.load_policy(id).await?;
        let cond = self.eligible_condition(&p.rule).await?.add(self.unit_scope(caller).await?);
        Ok(unit::Entity::find().filter(cond).count(self.db()).await?)
    }

    /// The enterprises behind [`Store::policy_match_count`], by name. The enterprise list's
    /// filter cannot say 或 and 非, so the policy pages list them themselves.
    pub async fn policy_enterprises(
        &self,
        caller: &Caller,
        id: i64,
        page: PageRequest,
    ) -> Result<Page<EligibleEnterprise>> {
        self.require(caller, Action::ReadRegistry)?;
        let p = self.load_policy(id).await?;
        let cond = self.eligible_condition(&p.rule).await?.add(self.unit_scope(caller).await?);
        let total = unit::Entity::find().filter(cond.clone()).count(self.db()).await?;
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
            .all(self.db())
            .await?;
        self.audit(caller, "policy.enterprises", "policy", Some(id.to_string()), format!("符合条件企业 {total} 家"))
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

    // ---------- pushes ----------

    /// The target as a condition on `units` (the caller's scope always applies) and in words.
    async fn target_condition(&self, caller: &Caller, target: &PushTarget) -> Result<(Condition, String)> {
        let mut cond = Condition::all().add(self.unit_scope(caller).await?);
        let label = match target {
            PushTarget::Own => match &caller.scope {
                Scope::All => "全部企业".to_owned(),
                Scope::Region(r) => r.name().to_owned(),
                Scope::Cluster(c) => self.cluster_name(c.0).await?,
                _ => "本人权限范围".to_owned(),
            },
            PushTarget::Town(town) => {
                if let Scope::Region(r) = &caller.scope {
                    let (low, high) = town_code_range(r);
                    let code = town.to_string();
                    if code < low || code >= high {
                        return Err(StoreError::invalid("推送范围", format!("{}不在您的管辖范围内", town.name())));
                    }
                }
                cond = cond.add(town_in(unit::Column::TownCode, town));
                town.name().to_owned()
            }
            PushTarget::Cluster(c) => {
                let visible = cluster::Entity::find_by_id(c.0)
                    .filter(self.cluster_scope(caller).await?)
                    .one(self.db())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                cond = cond.add(
                    unit::Column::Id.in_subquery(
                        Query::select()
                            .column(cluster_member::Column::UnitId)
                            .from(cluster_member::Entity)
                            .and_where(cluster_member::Column::ClusterId.eq(c.0))
                            .and_where(cluster_member::Column::LeftOn.is_null())
                            .to_owned(),
                    ),
                );
                visible.name
            }
        };
        Ok((cond, label))
    }

    async fn cluster_name(&self, id: i64) -> Result<String> {
        Ok(cluster::Entity::find_by_id(id).one(self.db()).await?.map(|c| c.name).unwrap_or_default())
    }

    /// The policies chosen, in the order given, each once.
    async fn chosen(&self, ids: &[i64]) -> Result<Vec<Policy>> {
        let mut seen = Vec::new();
        for id in ids {
            if !seen.contains(id) {
                seen.push(*id);
            }
        }
        if seen.is_empty() {
            return Err(StoreError::invalid("推送政策", "请至少选择一项政策"));
        }
        let names = self.department_names().await?;
        let mut by_id: HashMap<i64, Policy> = policy::Entity::find()
            .filter(policy::Column::Id.is_in(seen.clone()))
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| (m.id, Store::to_policy(m, &names)))
            .collect();
        seen.into_iter().map(|id| by_id.remove(&id).ok_or(StoreError::NotFound)).collect()
    }

    /// What a push would send now: per policy the eligible enterprises of the target, and
    /// how many enterprises would receive anything. Nothing is written.
    pub async fn preview_push(&self, caller: &Caller, ids: &[i64], target: &PushTarget) -> Result<PushPreview> {
        self.require(caller, Action::PushPolicies)?;
        let (scope, target_label) = self.target_condition(caller, target).await?;
        let today = self.today();
        let mut items = Vec::new();
        let mut any = Condition::any();
        let mut receipts = 0;
        for p in self.chosen(ids).await? {
            let validity = p.validity_on(today);
            let recipients = if validity == Validity::Valid {
                let cond = self.eligible_condition(&p.rule).await?;
                any = any.add(cond.clone());
                unit::Entity::find().filter(cond.add(scope.clone())).count(self.db()).await?
            } else {
                0
            };
            receipts += recipients;
            items.push(PreviewItem { policy: p, validity, recipients });
        }
        let enterprises = if receipts == 0 {
            0
        } else {
            unit::Entity::find().filter(Condition::all().add(scope).add(any)).count(self.db()).await?
        };
        Ok(PushPreview { target_label, items, enterprises, receipts })
    }

    /// Sends the policies valid today to every eligible enterprise of the target: one receipt
    /// per (push, policy, enterprise), unread, written in one transaction.
    pub async fn push_policies(
        &self,
        caller: &Caller,
        title: &str,
        ids: &[i64],
        target: &PushTarget,
        is_demo: bool,
    ) -> Result<i64> {
        self.require(caller, Action::PushPolicies)?;
        let (scope, target_label) = self.target_condition(caller, target).await?;
        let today = self.today();
        let chosen = self.chosen(ids).await?;
        let mut plan = Vec::new();
        for p in &chosen {
            if p.validity_on(today) == Validity::Valid {
                plan.push((p, self.eligible_condition(&p.rule).await?.add(scope.clone())));
            }
        }
        if plan.is_empty() {
            return Err(StoreError::invalid("推送政策", "所选政策今天均不在有效期内"));
        }
        let title = match qunlian_domain::text::normalize(title) {
            t if t.is_empty() && chosen.len() == 1 => chosen[0].title.clone(),
            t if t.is_empty() => format!("政策包（{} 项）", chosen.len()),
            t => t,
        };
        let (target_kind, target_value) = match target {
            PushTarget::Own => ("own", None),
            PushTarget::Town(r) => ("town", Some(r.to_string())),
            PushTarget::Cluster(c) => ("cluster", Some(c.to_string())),
        };
        let txn = self.db().begin().await?;
        let push = policy_push::ActiveModel {
            title: Set(title.clone()),
            owner_scope_kind: Set(caller.scope.kind().to_owned()),
            owner_scope_value: Set(caller.scope.value()),
            target_kind: Set(target_kind.to_owned()),
            target_value: Set(target_value),
            target_label: Set(target_label.clone()),
            pushed_by: Set((caller.user_id.0 != 0).then_some(caller.user_id.0)),
            pushed_by_name: Set(caller.username.clone()),
            pushed_at: Set(self.now()),
            enterprises: Set(0),
            receipts: Set(0),
            is_demo: Set(is_demo),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut receipts: i64 = 0;
        for (position, (p, cond)) in plan.iter().enumerate() {
            // One statement per policy however many enterprises match: the database copies
            // the ids itself, so a package of 54 policies to thousands of enterprises is 54
            // statements in one transaction.
            let insert = Query::insert()
                .into_table(policy_receipt::Entity)
                .columns([
                    policy_receipt::Column::PushId,
                    policy_receipt::Column::PolicyId,
                    policy_receipt::Column::UnitId,
                ])
                .select_from(
                    Query::select()
                        .expr(Expr::val(push.id))
                        .expr(Expr::val(p.id))
                        .column((unit::Entity, unit::Column::Id))
                        .from(unit::Entity)
                        .cond_where(cond.clone())
                        .to_owned(),
                )
                .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
                .to_owned();
            let n = i64::try_from(txn.execute(&insert).await?.rows_affected()).unwrap_or(i64::MAX);
            receipts += n;
            policy_push_item::ActiveModel {
                push_id: Set(push.id),
                policy_id: Set(p.id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                recipients: Set(n),
            }
            .insert(&txn)
            .await?;
        }
        let enterprises: Option<i64> = policy_receipt::Entity::find()
            .select_only()
            .expr(Expr::cust("COUNT(DISTINCT unit_id)"))
            .filter(policy_receipt::Column::PushId.eq(push.id))
            .into_tuple()
            .one(&txn)
            .await?;
        let enterprises = enterprises.unwrap_or(0);
        let mut m: policy_push::ActiveModel = push.into();
        m.enterprises = Set(enterprises);
        m.receipts = Set(receipts);
        let push = m.update(&txn).await?;
        txn.commit().await?;
        let skipped = chosen.len() - plan.len();
        self.audit(
            caller,
            "policy.push",
            "policy_push",
            Some(push.id.to_string()),
            format!(
                "{title}：{} 项政策推送至{target_label}，企业 {enterprises} 家，回执 {receipts} 条{}",
                plan.len(),
                if skipped > 0 { format!("；{skipped} 项不在有效期内未推送") } else { String::new() }
            ),
        )
        .await?;
        Ok(push.id)
    }

    /// Who may read push records: everyone who reads the registry except the enterprises
    /// themselves, which see their own list instead.
    fn require_push_reader(&self, caller: &Caller) -> Result<()> {
        self.require(caller, Action::ReadRegistry)?;
        if caller.role == Role::EnterpriseContact { Err(StoreError::Forbidden) } else { Ok(()) }
    }

    /// Receipts of enterprises the caller may see.
    async fn receipts_in_scope(&self, caller: &Caller) -> Result<Condition> {
        Ok(match caller.scope {
            Scope::All => Condition::all(),
            _ => Condition::all()
                .add(policy_receipt::Column::UnitId.in_subquery(units_where(self.unit_scope(caller).await?))),
        })
    }

    /// Pushes the caller made or that reached an enterprise it may see, newest first, with
    /// the counts over its own scope.
    pub async fn policy_pushes(&self, caller: &Caller) -> Result<Vec<PushSummary>> {
        self.require_push_reader(caller)?;
        let scoped = self.receipts_in_scope(caller).await?;
        let mut q = policy_push::Entity::find();
        if caller.scope != Scope::All {
            q = q.filter(
                Condition::any().add(policy_push::Column::PushedBy.eq(caller.user_id.0)).add(
                    policy_push::Column::Id.in_subquery(
                        Query::select()
                            .column(policy_receipt::Column::PushId)
                            .from(policy_receipt::Entity)
                            .cond_where(scoped.clone())
                            .to_owned(),
                    ),
                ),
            );
        }
        let pushes = q
            .order_by_desc(policy_push::Column::PushedAt)
            .order_by_desc(policy_push::Column::Id)
            .all(self.db())
            .await?;
        let out = self.summaries(pushes, scoped).await?;
        self.audit(caller, "policy.push.list", "policy_push", None, format!("推送记录 {} 次", out.len())).await?;
        Ok(out)
    }

    async fn summaries(&self, pushes: Vec<policy_push::Model>, scoped: Condition) -> Result<Vec<PushSummary>> {
        if pushes.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = pushes.iter().map(|p| p.id).collect();
        let counts: Vec<(i64, i64, i64, i64, i64)> = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PushId)
            .expr(Expr::cust("COUNT(*)"))
            .expr(Expr::cust("COUNT(read_at)"))
            .expr(Expr::cust("COUNT(DISTINCT unit_id)"))
            .expr(Expr::cust("COUNT(DISTINCT CASE WHEN read_at IS NOT NULL THEN unit_id END)"))
            .filter(policy_receipt::Column::PushId.is_in(ids.clone()))
            .filter(scoped)
            .group_by(policy_receipt::Column::PushId)
            .into_tuple()
            .all(self.db())
            .await?;
        let counts: HashMap<i64, (i64, i64, i64, i64)> =
            counts.into_iter().map(|(id, a, b, c, d)| (id, (a, b, c, d))).collect();
        let items: Vec<(i64, i64)> = policy_push_item::Entity::find()
            .select_only()
            .column(policy_push_item::Column::PushId)
            .expr(Expr::cust("COUNT(*)"))
            .filter(policy_push_item::Column::PushId.is_in(ids))
            .group_by(policy_push_item::Column::PushId)
            .into_tuple()
            .all(self.db())
            .await?;
        let items: HashMap<i64, i64> = items.into_iter().collect();
        Ok(pushes
            .into_iter()
            .map(|p| {
                let (receipts, receipts_read, enterprises, enterprises_read) =
                    counts.get(&p.id).copied().unwrap_or_default();
                PushSummary {
                    policies: count(items.get(&p.id).copied().unwrap_or(0)),
                    id: p.id,
                    title: p.title,
                    target_label: p.target_label,
                    pushed_by_name: p.pushed_by_name,
                    pushed_at: p.pushed_at,
                    enterprises: count(enterprises),
                    enterprises_read: count(enterprises_read),
                    receipts: count(receipts),
                    receipts_read: count(receipts_read),
                    is_demo: p.is_demo,
                }
            })
            .collect())
    }

    /// One push: its policies with sent and read per policy, over the caller's scope. A push
    /// that reached nothing the caller may see, and that it did not make, is not found.
    pub async fn policy_push(&self, caller: &Caller, id: i64) -> Result<PushDetail> {
        self.require_push_reader(caller)?;
        let push = policy_push::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let scoped = self.receipts_in_scope(caller).await?;
        let summary = self.summaries(vec![push.clone()], scoped.clone()).await?.pop().ok_or(StoreError::NotFound)?;
        if caller.scope != Scope::All && push.pushed_by != Some(caller.user_id.0) && summary.receipts == 0 {
            return Err(StoreError::NotFound);
        }
        let per_policy: Vec<(i64, i64, i64)> = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PolicyId)
            .expr(Expr::cust("COUNT(*)"))
            .expr(Expr::cust("COUNT(read_at)"))
            .filter(policy_receipt::Column::PushId.eq(id))
            .filter(scoped)
            .group_by(policy_receipt::Column::PolicyId)
            .into_tuple()
            .all(self.db())
            .await?;
        let per_policy: HashMap<i64, (i64, i64)> = per_policy.into_iter().map(|(p, a, b)| (p, (a, b))).collect();
        let pushed: Vec<policy_push_item::Model> = policy_push_item::Entity::find()
            .filter(policy_push_item::Column::PushId.eq(id))
            .order_by_asc(policy_push_item::Column::Position)
            .all(self.db())
            .await?;
        let ids: Vec<i64> = pushed.iter().map(|i| i.policy_id).collect();
        let policies: HashMap<i64, policy::Model> = policy::Entity::find()
            .filter(policy::Column::Id.is_in(ids))
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let items = pushed
            .into_iter()
            .map(|i| {
                let (sent, read) = per_policy.get(&i.policy_id).copied().unwrap_or_default();
                let p = policies.get(&i.policy_id);
                PushItem {
                    policy_id: i.policy_id,
                    title: p.map(|p| p.title.clone()).unwrap_or_default(),
                    doc_number: p.map(|p| p.doc_number.clone()).unwrap_or_default(),
                    sent: count(sent),
                    read: count(read),
                }
            })
            .collect();
        self.audit(caller, "policy.push.view", "policy_push", Some(id.to_string()), summary.title.clone()).await?;
        Ok(PushDetail { summary, items })
    }

    /// The enterprises of a push the caller may see: `read` Some(true) those that opened at
    /// least one of its policies, Some(false) those that opened none.
    pub async fn push_recipients(
        &self,
        caller: &Caller,
        id: i64,
        read: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Recipient>> {
        // Also checks that the caller may see the push at all.
        self.policy_push(caller, id).await?;
        let scoped = self.receipts_in_scope(caller).await?;
        let mut q = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::UnitId)
            .expr(Expr::cust("COUNT(*)"))
            .expr(Expr::cust("COUNT(read_at)"))
            .expr(Expr::cust("MAX(read_at)"))
            .filter(policy_receipt::Column::PushId.eq(id))
            .filter(scoped)
            .group_by(policy_receipt::Column::UnitId);
        match read {
            Some(true) => q = q.having(Expr::cust("COUNT(read_at) > 0")),
            Some(false) => q = q.having(Expr::cust("COUNT(read_at) = 0")),
            None => {}
        }
        let mut rows: Vec<(i64, i64, i64, Option<DateTime<Utc>>)> = q.into_tuple().all(self.db()).await?;
        let total = rows.len() as u64;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let names = self.unit_names_and_towns(ids).await?;
        rows.sort_by(|a, b| {
            let na = names.get(&a.0).map(|n| n.0.as_str()).unwrap_or("");
            let nb = names.get(&b.0).map(|n| n.0.as_str()).unwrap_or("");
            na.cmp(nb).then(a.0.cmp(&b.0))
        });
        let items = rows
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
            .map(|(unit_id, received, read, last)| {
                let (name, town) = names.get(&unit_id).cloned().unwrap_or_default();
                Recipient {
                    unit_id: UnitId(unit_id),
                    name,
                    town_name: town_name(&town),
                    received: count(received),
                    read: count(read),
                    last_read_at: last,
                }
            })
            .collect();
        Ok(Page { items, total, page: page.page, per_page: page.per_page })
    }

    // ---------- the enterprise's own list ----------

    fn own_enterprise(caller: &Caller) -> Result<i64> {
        match (&caller.role, &caller.scope) {
            (Role::EnterpriseContact, Scope::Enterprise(id)) => Ok(id.0),
            _ => Err(StoreError::Forbidden),
        }
    }

    async fn is_eligible(&self, unit_id: i64, rule: &str) -> Result<bool> {
        let cond = self.eligible_condition(rule).await?.add(unit::Column::Id.eq(unit_id));
        Ok(unit::Entity::find().filter(cond).count(self.db()).await? > 0)
    }

    /// The receipts of one enterprise by policy: last pushed, first read, any unread.
    async fn my_receipts(&self, unit_id: i64) -> Result<HashMap<i64, ReceiptState>> {
        let rows: Vec<(i64, i64, Option<DateTime<Utc>>)> = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PolicyId)
            .column(policy_receipt::Column::PushId)
            .column(policy_receipt::Column::ReadAt)
            .filter(policy_receipt::Column::UnitId.eq(unit_id))
            .into_tuple()
            .all(self.db())
            .await?;
        let push_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let pushed_at: HashMap<i64, DateTime<Utc>> = policy_push::Entity::find()
            .select_only()
            .column(policy_push::Column::Id)
            .column(policy_push::Column::PushedAt)
            .filter(policy_push::Column::Id.is_in(push_ids))
            .into_tuple::<(i64, DateTime<Utc>)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let mut out: HashMap<i64, ReceiptState> = HashMap::new();
        for (policy_id, push_id, read_at) in rows {
            let at = pushed_at.get(&push_id).copied().unwrap_or_default();
            let e = out.entry(policy_id).or_insert((at, None, false));
            e.0 = Ord::max(e.0, at);
            if let Some(r) = read_at {
                e.1 = Some(e.1.map_or(r, |x: DateTime<Utc>| Ord::min(x, r)));
            }
            e.2 |= read_at.is_none();
        }
        Ok(out)
    }

    /// 免申即享: every policy valid today that the enterprise is eligible for or was sent,
    /// pushed ones first (newest push first), unread marked.
    pub async fn my_policies(&self, caller: &Caller) -> Result<Vec<MyPolicy>> {
        let unit_id = Store::own_enterprise(caller)?;
        let today = self.today();
        let receipts = self.my_receipts(unit_id).await?;
        let names = self.department_names().await?;
        let valid = policy::Entity::find()
            .filter(valid_on(today))
            .order_by_desc(policy::Column::ValidFrom)
            .order_by_asc(policy::Column::Id)
            .all(self.db())
            .await?;
        let mut out = Vec::new();
        for m in valid {
            let r = receipts.get(&m.id).copied();
            if r.is_none() && !self.is_eligible(unit_id, &m.rule).await? {
                continue;
            }
            out.push(MyPolicy {
                policy: Store::to_policy(m, &names),
                pushed_at: r.map(|r| r.0),
                read_at: r.and_then(|r| r.1),
                unread: r.is_some_and(|r| r.2),
            });
        }
        // Stable: within each group the library's order stays.
        out.sort_by_key(|m| std::cmp::Reverse(m.pushed_at));
        self.audit(caller, "policy.my.list", "policy", None, format!("本企业可享政策 {} 项", out.len())).await?;
        Ok(out)
    }

    /// Opens one policy of the enterprise's list and marks its receipts read, once: a second
    /// opening keeps the first time.
    pub async fn open_my_policy(&self, caller: &Caller, id: i64) -> Result<MyPolicy> {
        let unit_id = Store::own_enterprise(caller)?;
        let policy = self.load_policy(id).await?;
        let before = self.my_receipts(unit_id).await?.get(&id).copied();
        if before.is_none() && !self.is_eligible(unit_id, &policy.rule).await? {
            return Err(StoreError::NotFound);
        }
        let now = self.now();
        let marked = policy_receipt::Entity::update_many()
            .col_expr(policy_receipt::Column::ReadAt, Expr::val(now))
            .filter(policy_receipt::Column::UnitId.eq(unit_id))
            .filter(policy_receipt::Column::PolicyId.eq(id))
            .filter(policy_receipt::Column::ReadAt.is_null())
            .exec(self.db())
            .await?
            .rows_affected;
        self.audit(
            caller,
            if marked > 0 { "policy.read" } else { "policy.view" },
            "policy",
            Some(id.to_string()),
            if marked > 0 { format!("{}：已读回执 {marked} 条", policy.title) } else { policy.title.clone() },
        )
        .await?;
        let after = self.my_receipts(unit_id).await?.get(&id).copied();
        Ok(MyPolicy {
            policy,
            pushed_at: after.map(|r| r.0),
            read_at: after.and_then(|r| r.1),
            unread: after.is_some_and(|r| r.2),
        })
    }

    /// Unread policies of the caller's enterprise, for the sidebar and the home page.
    pub async fn my_unread_policies(&self, caller: &Caller) -> Result<u64> {
        let unit_id = Store::own_enterprise(caller)?;
        let today = self.today();
        Ok(policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PolicyId)
            .distinct()
            .filter(policy_receipt::Column::UnitId.eq(unit_id))
            .filter(policy_receipt::Column::ReadAt.is_null())
            .filter(policy_receipt::Column::PolicyId.in_subquery(
                Query::select().column(policy::Column::Id).from(policy::Entity).cond_where(valid_on(today)).to_owned(),
            ))
            .count(self.db())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip() {
        for t in [
            PushTarget::Own,
            PushTarget::Cluster(ClusterId(4)),
            PushTarget::Town(RegionCode::parse("310117105").unwrap_or_else(|_| unreachable!())),
        ] {
            assert_eq!(PushTarget::from_code(&t.code()), Some(t));
        }
        assert_eq!(PushTarget::from_code("galaxy:1"), None);
    }
}
