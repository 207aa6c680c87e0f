//! Supply–demand matchmaking (要素对接 / 牵红线) in the store: offers and needs with their
//! reach, the change log the search index follows, matches and free-text search through a
//! [`SearchIndex`], introductions (牵线) from suggestion to deal with their follow-ups, and the
//! matching-meeting list (要素对接会) of a cluster.
//!
//! Who sees a listing is decided by its reach and the owner's place (see
//! `qunlian_domain::matching::audience`); the store turns a caller's scope into the keys the
//! index filters by, and the same keys into SQL for lists, so a list, a search and a match
//! never disagree about what a caller may see.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, ClusterId, Scope, UnitId};
use qunlian_domain::industry::IndustryCode;
use qunlian_domain::matching::{
    IndexChange, IntroductionState, ListingCategory, ListingDoc, ListingFields, ListingKind, Place, Reach, Reasons,
    SearchIndex, Urgency, Visibility, rank,
};
use qunlian_domain::region::RegionLevel;
use sea_orm::sea_query::{Expr, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use crate::entity::{
    cluster, cluster_member, introduction, introduction_event, introduction_followup, listing, listing_change, unit,
};
use crate::registry::{industry_name, town_name};
use crate::services::local;
use crate::{Result, Store, StoreError};

/// Changes applied to the index per batch, and listings per batch of a rebuild.
const BATCH: u64 = 1000;
/// Candidates the index is asked for per match, before ranking keeps the best.
const POOL: usize = 100;

/// One sync at a time per process: two syncs racing could record a lower `applied_up_to`
/// after a higher one.
static SYNC: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(|| tokio::sync::Mutex::new(()));

fn search_error(e: qunlian_domain::matching::SearchError) -> StoreError {
    StoreError::invalid("搜索索引", e.0)
}

/// An offer or need as lists and pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub town_name: String,
    pub kind: ListingKind,
    pub category: ListingCategory,
    pub title: String,
    pub description: String,
    /// The listing's own industry code, when it gave one.
    pub industry_code: Option<String>,
    pub industry_name: Option<String>,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub urgency: Urgency,
    pub reach: Reach,
    pub valid_until: NaiveDate,
    pub open: bool,
    /// Open but past its valid-until date: no longer matched.
    pub expired: bool,
    pub created_by: String,
    /// Beijing time.
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub is_demo: bool,
}

impl Listing {
    /// "1.25 吨", "—" when no quantity was given.
    pub fn quantity_label(&self) -> String {
        match (self.quantity, self.quantity_unit.as_deref()) {
            (Some(q), u) => format!("{} {}", format_number(q), u.unwrap_or("")).trim().to_owned(),
            (None, Some(u)) if !u.is_empty() => u.to_owned(),
            _ => "—".to_owned(),
        }
    }

    pub fn status_label(&self) -> &'static str {
        if !self.open {
            "已关闭"
        } else if self.expired {
            "已过期"
        } else {
            "有效"
        }
    }

    /// An emergency need, which tops lists and is announced to the cluster secretaries.
    pub fn is_emergency_need(&self) -> bool {
        self.kind == ListingKind::Need && self.urgency == Urgency::Emergency
    }
}

/// 1.25 → "1.25", 120.0 → "120".
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// What a listing list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct ListingFilter {
    pub kind: Option<ListingKind>,
    pub category: Option<ListingCategory>,
    pub urgency: Option<Urgency>,
    /// Only listings of enterprises the caller works for (its own, its members, its area).
    pub mine: bool,
    /// Only listings of this cluster's members.
    pub cluster: Option<ClusterId>,
    pub unit: Option<UnitId>,
    /// Closed and expired listings too (by default only open, valid ones).
    pub include_closed: bool,
}

/// A counterpart of a listing, with why it was recommended.
#[derive(Clone, Debug, Serialize)]
pub struct ListingMatch {
    pub listing: Listing,
    pub score: f64,
    pub reasons: Reasons,
    /// The reasons in one sentence, as the page shows them.
    pub sentence: String,
}

/// A free-text search result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    pub listing: Listing,
    pub matched_terms: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Keys and scope

/// `[prefix, prefix + 1)` on town codes: "310117" covers every town of 松江区.
fn prefix_range(prefix: &str) -> (String, String) {
    let upper = match prefix.parse::<u64>() {
        Ok(n) => format!("{:0width$}", n + 1, width = prefix.len()),
        Err(_) => format!("{prefix}~"),
    };
    (prefix.to_owned(), upper)
}

fn units_where(cond: Condition) -> SelectStatement {
    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(cond).to_owned()
}

fn units_in_prefix(prefix: &str) -> SelectStatement {
    let (low, high) = prefix_range(prefix);
    units_where(Condition::all().add(unit::Column::TownCode.gte(low)).add(unit::Column::TownCode.lt(high)))
}

fn members_of(cluster_id: i64) -> SelectStatement {
    Query::select()
        .column(cluster_member::Column::UnitId)
        .from(cluster_member::Entity)
        .and_where(cluster_member::Column::ClusterId.eq(cluster_id))
        .and_where(cluster_member::Column::LeftOn.is_null())
        .to_owned()
}

fn reach_at_least(reach: Reach) -> Vec<&'static str> {
    Reach::ALL.iter().filter(|r| **r >= reach).map(|r| r.code()).collect()
}

/// The SQL equivalent of `Visibility::admits(audience(owner, reach))`, key by key, so lists
/// show exactly what the index would.
fn visibility_condition(visibility: &Visibility) -> Condition {
    let keys = match visibility {
        Visibility::Everything => return Condition::all(),
        Visibility::Keys(keys) => keys,
    };
    let mut any = Condition::any();
    let mut units: Vec<i64> = Vec::new();
    for key in keys {
        let (kind, value) = key.split_once(':').unwrap_or((key.as_str(), ""));
        match kind {
            "all" => any = any.add(listing::Column::Reach.eq(Reach::Corridor.code())),
            "u" | "ou" => units.extend(value.parse::<i64>().ok()),
            "c" | "oc" => {
                if let Ok(c) = value.parse::<i64>() {
                    any = any.add(listing::Column::UnitId.in_subquery(members_of(c)));
                }
            }
            "t" => {
                any = any.add(
                    Condition::all().add(listing::Column::Reach.is_in(reach_at_least(Reach::Town))).add(
                        listing::Column::UnitId
                            .in_subquery(units_where(Condition::all().add(unit::Column::TownCode.eq(value)))),
                    ),
                )
            }
            "ot" => {
                any = any.add(
                    listing::Column::UnitId
                        .in_subquery(units_where(Condition::all().add(unit::Column::TownCode.eq(value)))),
                )
            }
            "d" => {
                any = any.add(
                    Condition::all()
                        .add(listing::Column::Reach.is_in(reach_at_least(Reach::District)))
                        .add(listing::Column::UnitId.in_subquery(units_in_prefix(value))),
                )
            }
            "od" | "ocity" => any = any.add(listing::Column::UnitId.in_subquery(units_in_prefix(value))),
            _ => {}
        }
    }
    if !units.is_empty() {
        any = any.add(listing::Column::UnitId.is_in(units));
    }
    if any.is_empty() { Condition::all().add(Expr::cust("1 = 0")) } else { any }
}

/// The keys an administrator of a region holds: listings owned in the region whatever their
/// reach, and what an enterprise there would see from elsewhere.
fn region_keys(region: &RegionCode) -> Vec<String> {
    let code = region.to_string();
    let take = |n: usize| code.chars().take(n).collect::<String>();
    let mut keys = vec!["all".to_owned()];
    match region.level() {
        RegionLevel::Town => {
            keys.push(format!("ot:{code}"));
            keys.push(format!("t:{code}"));
            keys.push(format!("d:{}", take(6)));
        }
        RegionLevel::District => {
            keys.push(format!("od:{}", take(6)));
            keys.push(format!("d:{}", take(6)));
        }
        RegionLevel::City => keys.push(format!("ocity:{}", take(4))),
        RegionLevel::Province => {
            for city in region.children() {
                keys.push(format!("ocity:{}", city.to_string().chars().take(4).collect::<String>()));
            }
        }
    }
    keys
}

fn dedup(mut keys: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

fn kind_of(code: &str) -> ListingKind {
    ListingKind::from_code(code).unwrap_or(ListingKind::Offer)
}

fn urgency_of(code: &str) -> Urgency {
    Urgency::from_code(code).unwrap_or(Urgency::Normal)
}

fn state_of(code: &str) -> IntroductionState {
    IntroductionState::from_code(code).unwrap_or(IntroductionState::Suggested)
}

/// Lists put emergency needs first, then other emergencies and urgent listings, then the newest.
fn urgency_order() -> Expr {
    Expr::cust(
        "CASE WHEN urgency = 'emergency' AND kind = 'need' THEN 0 WHEN urgency = 'emergency' THEN 1 \
         WHEN urgency = 'urgent' THEN 2 ELSE 3 END",
    )
}

impl Store {
    /// Where each unit is: its town and its current clusters.
    pub(crate) async fn places(&self, db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Place>> {
        let mut out: HashMap<i64, Place> = HashMap::new();
        for chunk in ids.chunks(BATCH as usize) {
            let towns: Vec<(i64, String)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::TownCode)
                .filter(unit::Column::Id.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, town) in towns {
                out.insert(id, Place { unit_id: id, town: RegionCode::parse(&town).ok(), clusters: Vec::new() });
            }
            let memberships: Vec<(i64, i64)> = cluster_member::Entity::find()
                .select_only()
                .column(cluster_member::Column::UnitId)
                .column(cluster_member::Column::ClusterId)
                .filter(cluster_member::Column::UnitId.is_in(chunk.to_vec()))
                .filter(cluster_member::Column::LeftOn.is_null())
                .order_by_asc(cluster_member::Column::ClusterId)
                .into_tuple()
                .all(db)
                .await?;
            for (u, c) in memberships {
                if let Some(p) = out.get_mut(&u) {
                    p.clusters.push(c);
                }
            }
        }
        Ok(out)
    }

    async fn place(&self, unit_id: i64) -> Result<Place> {
        Ok(self.places(self.db(), &[unit_id]).await?.remove(&unit_id).unwrap_or(Place {
            unit_id,
            town: None,
            clusters: Vec::new(),
        }))
    }

    /// Which listings the caller may see, as keys for the index (and, through
    /// [`visibility_condition`], for SQL).
    pub async fn listing_visibility(&self, caller: &Caller) -> Result<Visibility> {
        self.require(caller, Action::ReadListings)?;
        Ok(match &caller.scope {
            Scope::All => Visibility::Everything,
            Scope::Nothing | Scope::Department(_) => Visibility::Keys(Vec::new()),
            Scope::Enterprise(u) => Visibility::Keys(self.place(u.0).await?.viewer_keys()),
            Scope::Region(region) => Visibility::Keys(region_keys(region)),
            Scope::Cluster(c) => {
                let members: Vec<i64> = cluster_member::Entity::find()
                    .select_only()
                    .column(cluster_member::Column::UnitId)
                    .filter(cluster_member::Column::ClusterId.eq(c.0))
                    .filter(cluster_member::Column::LeftOn.is_null())
                    .into_tuple()
                    .all(self.db())
                    .await?;
                let mut keys = vec![format!("oc:{}", c.0), format!("c:{}", c.0)];
                for p in self.places(self.db(), &members).await?.values() {
                    keys.extend(p.viewer_keys());
                }
                Visibility::Keys(dedup(keys))
            }
            Scope::PartyOrg(_) => {
                let cond = self.unit_scope(caller).await?;
                let units: Vec<i64> = unit::Entity::find()
                    .select_only()
                    .column(unit::Column::Id)
                    .filter(cond)
                    .limit(1000)
                    .into_tuple()
                    .all(self.db())
                    .await?;
                let mut keys = Vec::new();
                for p in self.places(self.db(), &units).await?.values() {
                    keys.extend(p.viewer_keys());
                }
                Visibility::Keys(dedup(keys))
            }
        })
    }

    /// Units the caller works for, as a subquery: an enterprise itself, a cluster's members,
    /// an area's units.
    async fn my_units(&self, caller: &Caller) -> Result<SelectStatement> {
        Ok(units_where(self.unit_scope(caller).await?))
    }

    async fn to_listings(&self, rows: Vec<listing::Model>) -> Result<Vec<Listing>> {
        let units = self.unit_names_and_towns(rows.iter().map(|r| r.unit_id).collect()).await?;
        let today = self.today();
        Ok(rows
            .into_iter()
            .map(|r| {
                let (unit_name, town) = units.get(&r.unit_id).cloned().unwrap_or_default();
                Listing {
                    id: r.id,
                    unit_id: r.unit_id,
                    unit_name,
                    town_name: town_name(&town),
                    kind: kind_of(&r.kind),
                    category: ListingCategory::from_code(&r.category).unwrap_or(ListingCategory::Product),
                    industry_name: industry_name(r.industry_code.as_deref()),
                    industry_code: r.industry_code,
                    title: r.title,
                    description: r.description,
                    quantity: r.quantity,
                    quantity_unit: r.quantity_unit,
                    urgency: urgency_of(&r.urgency),
                    reach: Reach::from_code(&r.reach).unwrap_or(Reach::Cluster),
                    valid_until: r.valid_until,
                    open: r.status == "open",
                    expired: r.valid_until < today,
                    created_by: r.created_by,
                    created_at: local(r.created_at),
                    updated_at: local(r.updated_at),
                    is_demo: r.is_demo,
                }
            })
            .collect())
    }

    /// Listings the caller may see, emergency needs first, then the newest; at most `limit`,
    /// with the number of all that match.
    pub async fn listings(&self, caller: &Caller, filter: &ListingFilter, limit: u64) -> Result<(Vec<Listing>, u64)> {
        let visibility = self.listing_visibility(caller).await?;
        let mut cond = Condition::all().add(visibility_condition(&visibility));
        if let Some(k) = filter.kind {
            cond = cond.add(listing::Column::Kind.eq(k.code()));
        }
        if let Some(c) = filter.category {
            cond = cond.add(listing::Column::Category.eq(c.code()));
        }
        if let Some(u) = filter.urgency {
            cond = cond.add(listing::Column::Urgency.eq(u.code()));
        }
        if filter.mine {
            cond = cond.add(listing::Column::UnitId.in_subquery(self.my_units(caller).await?));
        }
        if let Some(c) = filter.cluster {
            cond = cond.add(listing::Column::UnitId.in_subquery(members_of(c.0)));
        }
        if let Some(u) = filter.unit {
            cond = cond.add(listing::Column::UnitId.eq(u.0));
        }
        if !filter.include_closed {
            cond = cond.add(listing::Column::Status.eq("open")).add(listing::Column::ValidUntil.gte(self.today()));
        }
        let query = listing::Entity::find().filter(cond);
        let total = query.clone().count(self.db()).await?;
        let rows = query
            .order_by(urgency_order(), Order::Asc)
            .order_by_desc(listing::Column::CreatedAt)
            .order_by_desc(listing::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?;
        Ok((self.to_listings(rows).await?, total))
    }

    async fn visible_row(&self, caller: &Caller, id: i64) -> Result<listing::Model> {
        let visibility = self.listing_visibility(caller).await?;
        let cond = Condition::all().add(visibility_condition(&visibility)).add(listing::Column::Id.eq(id));
        listing::Entity::find().filter(cond).one(self.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn listing(&self, caller: &Caller, id: i64) -> Result<Listing> {
        let row = self.visible_row(caller, id).await?;
        self.to_listings(vec![row]).await?.pop().ok_or(StoreError::NotFound)
    }

    /// Whether the caller may edit or close this listing: it publishes for the owner.
    pub async fn may_edit_listing(&self, caller: &Caller, l: &Listing) -> Result<bool> {
        if !caller.may(Action::PublishListings) {
            return Ok(false);
        }
        let cond = Condition::all().add(self.unit_scope(caller).await?).add(unit::Column::Id.eq(l.unit_id));
        Ok(unit::Entity::find().filter(cond).count(self.db()).await? > 0)
    }

    async fn editable_row(&self, caller: &Caller, id: i64) -> Result<listing::Model> {
        self.require(caller, Action::PublishListings)?;
        let row = listing::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        self.unit_in_scope(caller, UnitId(row.unit_id)).await?;
        Ok(row)
    }

    /// A listing the caller may edit (it publishes for the owner).
    pub async fn listing_for_edit(&self, caller: &Caller, id: i64) -> Result<Listing> {
        let row = self.editable_row(caller, id).await?;
        self.to_listings(vec![row]).await?.pop().ok_or(StoreError::NotFound)
    }

    fn check_fields(&self, f: &ListingFields) -> Result<(String, String, Option<String>)> {
        let title = qunlian_domain::text::normalize(&f.title).trim().to_owned();
        if title.is_empty() {
            return Err(StoreError::invalid("标题", "不能为空"));
        }
        if title.chars().count() > 100 {
            return Err(StoreError::invalid("标题", "不能超过100个字"));
        }
        let description = f.description.trim().to_owned();
        if description.chars().count() > 4000 {
            return Err(StoreError::invalid("描述", "不能超过4000个字"));
        }
        if let Some(q) = f.quantity
            && (!q.is_finite() || q < 0.0)
        {
            return Err(StoreError::invalid("数量", "应为不小于0的数"));
        }
        let unit = f.quantity_unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned);
        if unit.as_deref().is_some_and(|u| u.chars().count() > 20) {
            return Err(StoreError::invalid("单位", "不能超过20个字"));
        }
        Ok((title, description, unit))
    }

    /// Publishes an offer or need for an enterprise the caller works for.
    pub async fn publish_listing(&self, caller: &Caller, unit: UnitId, f: ListingFields, is_demo: bool) -> Result<i64> {
        self.publish_listing_at(caller, unit, f, is_demo, self.now()).await
    }

    /// [`Store::publish_listing`] as if at `at`: for the demo only, whose listings were
    /// published over past weeks.
    pub async fn demo_publish_listing_at(
        &self,
        caller: &Caller,
        unit: UnitId,
        f: ListingFields,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.publish_listing_at(caller, unit, f, true, at).await
    }

    async fn publish_listing_at(
        &self,
        caller: &Caller,
        unit: UnitId,
        f: ListingFields,
        is_demo: bool,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.require(caller, Action::PublishListings)?;
        let u = self.unit_in_scope(caller, unit).await?;
        let (title, description, quantity_unit) = self.check_fields(&f)?;
        if f.valid_until < self.today() {
            return Err(StoreError::invalid("有效期至", "不能早于今天"));
        }
        let twin = listing::Entity::find()
            .filter(listing::Column::UnitId.eq(u.id))
            .filter(listing::Column::Kind.eq(f.kind.code()))
            .filter(listing::Column::Title.eq(&title))
            .filter(listing::Column::Status.eq("open"))
            .one(self.db())
            .await?;
        if let Some(t) = twin {
            return Err(StoreError::invalid(
                "标题",
                format!("本企业已有同名的有效{}（编号 {}），请修改那一条", f.kind.label(), t.id),
            ));
        }
        let saved = new_listing(u.id, &f, (title.clone(), description, quantity_unit), caller, now, is_demo)
            .insert(self.db())
            .await?;
        self.audit(
            caller,
            "listing.publish",
            "listing",
            Some(saved.id.to_string()),
            format!("{}发布{}“{title}”（{}，{}）", u.name, f.kind.label(), f.urgency.label(), f.reach.label()),
        )
        .await?;
        Ok(saved.id)
    }

    /// Changes what a listing says; its owner and kind stay.
    pub async fn update_listing(&self, caller: &Caller, id: i64, f: ListingFields) -> Result<()> {
        let row = self.editable_row(caller, id).await?;
        let (title, description, quantity_unit) = self.check_fields(&f)?;
        if f.kind.code() != row.kind {
            return Err(StoreError::invalid("类型", "供给与需求不能互改，请另行发布"));
        }
        let mut m: listing::ActiveModel = row.into();
        m.category = Set(f.category.code().to_owned());
        m.title = Set(title.clone());
        m.description = Set(description);
        m.industry_code = Set(f.industry.map(|i| i.as_str().to_owned()));
        m.quantity = Set(f.quantity);
        m.quantity_unit = Set(quantity_unit);
        m.urgency = Set(f.urgency.code().to_owned());
        m.reach = Set(f.reach.code().to_owned());
        m.valid_until = Set(f.valid_until);
        m.updated_at = Set(self.now());
        m.update(self.db()).await?;
        self.audit(caller, "listing.update", "listing", Some(id.to_string()), format!("修改“{title}”")).await
    }

    /// Closes (下架) or reopens a listing. A closed listing leaves the index at the next sync.
    pub async fn set_listing_open(&self, caller: &Caller, id: i64, open: bool) -> Result<()> {
        let row = self.editable_row(caller, id).await?;
        if open && row.valid_until < self.today() {
            return Err(StoreError::invalid("有效期至", "已过期，请先修改有效期再重新发布"));
        }
        let title = row.title.clone();
        let mut m: listing::ActiveModel = row.into();
        m.status = Set(if open { "open" } else { "closed" }.to_owned());
        m.updated_at = Set(self.now());
        m.update(self.db()).await?;
        let (action, what) = if open { ("listing.reopen", "重新发布") } else { ("listing.close", "关闭") };
        self.audit(caller, action, "listing", Some(id.to_string()), format!("{what}“{title}”")).await
    }

    /// Enterprises the caller may publish for, by name, for the form's choice.
    pub async fn publishable_units(&self, caller: &Caller, q: Option<&str>, limit: u64) -> Result<Vec<(i64, String)>> {
        self.units_acting_for(caller, Action::PublishListings, q, limit).await
    }

    /// Open emergency needs of the clusters a secretary works for (its workbench notice).
    pub async fn emergency_needs_count(&self, caller: &Caller) -> Result<u64> {
        let filter = ListingFilter {
            kind: Some(ListingKind::Need),
            urgency: Some(Urgency::Emergency),
            mine: true,
            ..Default::default()
        };
        Ok(self.listings(caller, &filter, 1).await?.1)
    }

    // ---------- the index ----------

    async fn docs(&self, rows: Vec<listing::Model>) -> Result<Vec<(i64, Option<ListingDoc>)>> {
        let units: Vec<i64> = rows.iter().map(|r| r.unit_id).collect::<HashSet<_>>().into_iter().collect();
        let places = self.places(self.db(), &units).await?;
        let industries: HashMap<i64, Option<String>> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::IndustryCode)
            .filter(unit::Column::Id.is_in(units))
            .into_tuple::<(i64, Option<String>)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let today = self.today();
        Ok(rows
            .into_iter()
            .map(|r| {
                if r.status != "open" || r.valid_until < today {
                    return (r.id, None);
                }
                let industry = r
                    .industry_code
                    .clone()
                    .or_else(|| industries.get(&r.unit_id).cloned().flatten())
                    .and_then(|c| IndustryCode::parse(&c).ok());
                let owner = places.get(&r.unit_id).cloned().unwrap_or(Place {
                    unit_id: r.unit_id,
                    town: None,
                    clusters: Vec::new(),
                });
                let doc = ListingDoc {
                    id: r.id,
                    kind: kind_of(&r.kind),
                    category: ListingCategory::from_code(&r.category).unwrap_or(ListingCategory::Product),
                    title: r.title,
                    description: r.description,
                    industry,
                    urgency: urgency_of(&r.urgency),
                    reach: Reach::from_code(&r.reach).unwrap_or(Reach::Cluster),
                    owner,
                    published_on: local(r.created_at).date(),
                    valid_until: r.valid_until,
                };
                (doc.id, Some(doc))
            })
            .collect())
    }

    /// The last change recorded (0 when none).
    pub async fn listing_changes_max(&self) -> Result<i64> {
        let max: Option<Option<i64>> = listing_change::Entity::find()
            .select_only()
            .column_as(listing_change::Column::Seq.max(), "m")
            .into_tuple()
            .one(self.db())
            .await?;
        Ok(max.flatten().unwrap_or(0))
    }

    /// Applies every change recorded after the index's `applied_up_to`: an open, unexpired
    /// listing is (re)indexed with its owner's place now, anything else removed. Returns the
    /// number of listings touched.
    pub async fn sync_index(&self, index: &dyn SearchIndex) -> Result<usize> {
        let _one = SYNC.lock().await;
        let mut from = index.applied_up_to().map_err(search_error)?;
        let mut touched = 0;
        loop {
            let changes: Vec<(i64, i64)> = listing_change::Entity::find()
                .select_only()
                .column(listing_change::Column::Seq)
                .column(listing_change::Column::ListingId)
                .filter(listing_change::Column::Seq.gt(from))
                .order_by_asc(listing_change::Column::Seq)
                .limit(BATCH)
                .into_tuple()
                .all(self.db())
                .await?;
            let Some(&(up_to, _)) = changes.last() else { break };
            let ids: Vec<i64> = changes.iter().map(|c| c.1).collect::<HashSet<_>>().into_iter().collect();
            let rows = listing::Entity::find().filter(listing::Column::Id.is_in(ids.clone())).all(self.db()).await?;
            let found: HashSet<i64> = rows.iter().map(|r| r.id).collect();
            let mut apply: Vec<IndexChange> = self
                .docs(rows)
                .await?
                .into_iter()
                .map(|(id, doc)| match doc {
                    Some(d) => IndexChange::Upsert(d),
                    None => IndexChange::Remove(id),
                })
                .collect();
            apply.extend(ids.iter().filter(|id| !found.contains(id)).map(|id| IndexChange::Remove(*id)));
            touched += ids.len();
            index.apply(apply, up_to).map_err(search_error)?;
            from = up_to;
        }
        Ok(touched)
    }

    /// Rebuilds the index from the database: empties it, adds every open, unexpired listing
    /// in batches, and records the last change seen before reading. Returns how many
    /// listings it holds.
    pub async fn reindex(&self, index: &dyn SearchIndex) -> Result<u64> {
        let _one = SYNC.lock().await;
        // Read first: a change made while the rebuild reads is applied again by the next
        // sync, which is harmless; one recorded as applied but never read would be lost.
        let up_to = self.listing_changes_max().await?;
        index.clear().map_err(search_error)?;
        let mut after = 0i64;
        let mut count = 0u64;
        loop {
            let rows = listing::Entity::find()
                .filter(listing::Column::Id.gt(after))
                .filter(listing::Column::Status.eq("open"))
                .filter(listing::Column::ValidUntil.gte(self.today()))
                .order_by_asc(listing::Column::Id)
                .limit(BATCH)
                .all(self.db())
                .await?;
            let Some(last) = rows.last().map(|r| r.id) else { break };
            after = last;
            let docs: Vec<IndexChange> =
                self.docs(rows).await?.into_iter().filter_map(|(_, d)| d.map(IndexChange::Upsert)).collect();
            count += docs.len() as u64;
            // Intermediate batches record 0: a rebuild cut short is replayed from the start.
            index.apply(docs, 0).map_err(search_error)?;
        }
        index.apply(Vec::new(), up_to).map_err(search_error)?;
        Ok(count)
    }

    /// At start: rebuilds the index when it is empty while listings exist, or when it has
    /// applied changes this database never recorded (another or a reset database); then
    /// catches up. Returns whether it rebuilt.
    pub async fn prepare_index(&self, index: &dyn SearchIndex) -> Result<bool> {
        let max = self.listing_changes_max().await?;
        let applied = index.applied_up_to().map_err(search_error)?;
        let empty = index.is_empty().map_err(search_error)?;
        let any_open = listing::Entity::find().filter(listing::Column::Status.eq("open")).count(self.db()).await? > 0;
        let rebuild = applied > max || (empty && any_open && applied < max);
        if rebuild {
            self.reindex(index).await?;
        }
        self.sync_index(index).await?;
        Ok(rebuild)
    }

    /// Counterparts of a listing the caller may see, best first, with their reasons. The
    /// index is asked with the owner's own view (its reach), so a broker sees what the
    /// enterprise could be offered.
    pub async fn matches(
        &self,
        caller: &Caller,
        index: &dyn SearchIndex,
        id: i64,
        top: usize,
    ) -> Result<Vec<ListingMatch>> {
        let row = self.visible_row(caller, id).await?;
        let today = self.today();
        let subject = {
            let mut row = row.clone();
            // A closed or expired subject still gets its matches shown.
            row.status = "open".to_owned();
            row.valid_until = row.valid_until.max(today);
            self.docs(vec![row]).await?.pop().and_then(|(_, d)| d).ok_or(StoreError::NotFound)?
        };
        self.ranked(index, &subject, today, top).await
    }

    async fn ranked(
        &self,
        index: &dyn SearchIndex,
        subject: &ListingDoc,
        today: NaiveDate,
        top: usize,
    ) -> Result<Vec<ListingMatch>> {
        let visibility = Visibility::Keys(subject.owner.viewer_keys());
        let candidates = index.candidates(subject, &visibility, today, POOL.max(top * 3)).map_err(search_error)?;
        let ranked = rank(subject, candidates, today, top);
        let ids: Vec<i64> = ranked.iter().map(|m| m.listing_id).collect();
        let rows = listing::Entity::find()
            .filter(listing::Column::Id.is_in(ids))
            .filter(listing::Column::Status.eq("open"))
            .all(self.db())
            .await?;
        let mut by_id: HashMap<i64, Listing> = self.to_listings(rows).await?.into_iter().map(|l| (l.id, l)).collect();
        Ok(ranked
            .into_iter()
            .filter_map(|m| {
                let listing = by_id.remove(&m.listing_id)?;
                Some(ListingMatch { listing, score: m.score, sentence: m.reasons.sentence(), reasons: m.reasons })
            })
            .collect())
    }

    /// Free-text search over the listings the caller may see.
    pub async fn search_listings(
        &self,
        caller: &Caller,
        index: &dyn SearchIndex,
        text: &str,
        kind: Option<ListingKind>,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let visibility = self.listing_visibility(caller).await?;
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let found = index.search(text, kind, &visibility, self.today(), limit).map_err(search_error)?;
        let ids: Vec<i64> = found.iter().map(|c| c.doc.id).collect();
        let rows = listing::Entity::find()
            .filter(Condition::all().add(visibility_condition(&visibility)).add(listing::Column::Id.is_in(ids)))
            .filter(listing::Column::Status.eq("open"))
            .all(self.db())
            .await?;
        let mut by_id: HashMap<i64, Listing> = self.to_listings(rows).await?.into_iter().map(|l| (l.id, l)).collect();
        Ok(found
            .into_iter()
            .filter_map(|c| Some(SearchHit { listing: by_id.remove(&c.doc.id)?, matched_terms: c.matched_terms }))
            .collect())
    }
}

// ---------------------------------------------------------------------------------------
// Introductions (牵线)

/// An introduction as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct Introduction {
    pub id: i64,
    pub need_listing_id: i64,
    pub need_title: String,
    pub need_unit_id: i64,
    pub need_unit: String,
    pub offer_listing_id: i64,
    pub offer_title: String,
    pub offer_unit_id: i64,
    pub offer_unit: String,
    pub cluster_id: Option<i64>,
    pub cluster: Option<String>,
    pub broker: String,
    pub state: IntroductionState,
    pub reason: Option<String>,
    pub deal_value_wan: Option<f64>,
    pub match_reasons: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntroductionEvent {
    pub at: NaiveDateTime,
    pub actor: String,
    pub from: Option<IntroductionState>,
    pub to: IntroductionState,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FollowUp {
    pub on: NaiveDate,
    pub annual_sales_wan: Option<f64>,
    pub delivery_quantity: Option<f64>,
    pub delivery_note: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntroductionDetail {
    pub introduction: Introduction,
    pub events: Vec<IntroductionEvent>,
    pub followups: Vec<FollowUp>,
    /// States it may move to next.
    pub next: Vec<IntroductionState>,
}

#[derive(Clone, Debug)]
pub struct NewIntroduction {
    pub need_listing: i64,
    pub offer_listing: i64,
    /// 建议 (a suggestion still to be made) or 已牵线 (the two have been put in touch).
    pub state: IntroductionState,
    pub note: String,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Default)]
pub struct NewFollowUp {
    pub on: Option<NaiveDate>,
    pub annual_sales_wan: Option<f64>,
    pub delivery_quantity: Option<f64>,
    pub delivery_note: String,
    pub note: String,
}

#[derive(Clone, Debug, Default)]
pub struct IntroductionFilter {
    pub state: Option<IntroductionState>,
    pub cluster: Option<ClusterId>,
    pub unit: Option<UnitId>,
    /// Introductions of this listing, as need or as offer.
    pub listing: Option<i64>,
}

/// A cluster's brokering in figures, for its page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IntroductionFigures {
    pub total: u64,
    /// (state, label, count) in the order of the states.
    pub by_state: Vec<(IntroductionState, u64)>,
    pub won: u64,
    /// Sum of the deal values of 已成交, 万元.
    pub deal_value_wan: f64,
}

impl Store {
    /// Introductions the caller may see: those of its units (either side), and for a cluster
    /// secretary also those recorded for its cluster.
    async fn introduction_scope(&self, caller: &Caller) -> Result<Condition> {
        self.require(caller, Action::ReadListings)?;
        Ok(match &caller.scope {
            Scope::All => Condition::all(),
            _ => {
                let units = self.my_units(caller).await?;
                let mut any = Condition::any()
                    .add(introduction::Column::NeedUnitId.in_subquery(units.clone()))
                    .add(introduction::Column::OfferUnitId.in_subquery(units));
                if let Scope::Cluster(c) = &caller.scope {
                    any = any.add(introduction::Column::ClusterId.eq(c.0));
                }
                any
            }
        })
    }

    async fn to_introductions(&self, rows: Vec<introduction::Model>) -> Result<Vec<Introduction>> {
        let listing_ids: Vec<i64> = rows.iter().flat_map(|r| [r.need_listing_id, r.offer_listing_id]).collect();
        let titles: HashMap<i64, String> = listing::Entity::find()
            .select_only()
            .column(listing::Column::Id)
            .column(listing::Column::Title)
            .filter(listing::Column::Id.is_in(listing_ids))
            .into_tuple::<(i64, String)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let unit_ids: Vec<i64> = rows.iter().flat_map(|r| [r.need_unit_id, r.offer_unit_id]).collect();
        let names = self.unit_names(unit_ids).await?;
        let cluster_ids: Vec<i64> = rows.iter().filter_map(|r| r.cluster_id).collect();
        let clusters: HashMap<i64, String> = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .column(cluster::Column::ShortName)
            .filter(cluster::Column::Id.is_in(cluster_ids))
            .into_tuple::<(i64, String)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let get = |m: &HashMap<i64, String>, id: i64| m.get(&id).cloned().unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|r| Introduction {
                id: r.id,
                need_title: get(&titles, r.need_listing_id),
                offer_title: get(&titles, r.offer_listing_id),
                need_unit: get(&names, r.need_unit_id),
                offer_unit: get(&names, r.offer_unit_id),
                cluster: r.cluster_id.and_then(|c| clusters.get(&c).cloned()),
                need_listing_id: r.need_listing_id,
                need_unit_id: r.need_unit_id,
                offer_listing_id: r.offer_listing_id,
                offer_unit_id: r.offer_unit_id,
                cluster_id: r.cluster_id,
                broker: r.broker,
                state: state_of(&r.state),
                reason: r.reason,
                deal_value_wan: r.deal_value_wan,
                match_reasons: r.match_reasons,
                note: r.note,
                created_at: local(r.created_at),
                updated_at: local(r.updated_at),
                is_demo: r.is_demo,
            })
            .collect())
    }

    fn introduction_condition(&self, filter: &IntroductionFilter) -> Condition {
        let mut cond = Condition::all();
        if let Some(s) = filter.state {
            cond = cond.add(introduction::Column::State.eq(s.code()));
        }
        if let Some(c) = filter.cluster {
            cond = cond.add(introduction::Column::ClusterId.eq(c.0));
        }
        if let Some(u) = filter.unit {
            cond = cond.add(
                Condition::any()
                    .add(introduction::Column::NeedUnitId.eq(u.0))
                    .add(introduction::Column::OfferUnitId.eq(u.0)),
            );
        }
        if let Some(l) = filter.listing {
            cond = cond.add(
                Condition::any()
                    .add(introduction::Column::NeedListingId.eq(l))
                    .add(introduction::Column::OfferListingId.eq(l)),
            );
        }
        cond
    }

    /// Introductions the caller may see, the most recently changed first.
    pub async fn introductions(&self, caller: &Caller, filter: &IntroductionFilter) -> Result<Vec<Introduction>> {
        let cond =
            Condition::all().add(self.introduction_scope(caller).await?).add(self.introduction_condition(filter));
        let rows = introduction::Entity::find()
            .filter(cond)
            .order_by_desc(introduction::Column::UpdatedAt)
            .order_by_desc(introduction::Column::Id)
            .limit(2000)
            .all(self.db())
            .await?;
        self.to_introductions(rows).await
    }

    /// Counts by state and the deal value of what the caller may see, narrowed by `filter`.
    pub async fn introduction_figures(
        &self,
        caller: &Caller,
        filter: &IntroductionFilter,
    ) -> Result<IntroductionFigures> {
        let cond =
            Condition::all().add(self.introduction_scope(caller).await?).add(self.introduction_condition(filter));
        let rows: Vec<(String, Option<f64>)> = introduction::Entity::find()
            .select_only()
            .column(introduction::Column::State)
            .column(introduction::Column::DealValueWan)
            .filter(cond)
            .into_tuple()
            .all(self.db())
            .await?;
        let mut f = IntroductionFigures {
            by_state: IntroductionState::ALL.iter().map(|s| (*s, 0)).collect(),
            ..Default::default()
        };
        for (state, value) in rows {
            let s = state_of(&state);
            f.total += 1;
            if let Some(slot) = f.by_state.iter_mut().find(|(x, _)| *x == s) {
                slot.1 += 1;
            }
            if s == IntroductionState::Won {
                f.won += 1;
                f.deal_value_wan += value.unwrap_or(0.0);
            }
        }
        Ok(f)
    }

    async fn introduction_row(&self, caller: &Caller, id: i64) -> Result<introduction::Model> {
        let cond = Condition::all().add(self.introduction_scope(caller).await?).add(introduction::Column::Id.eq(id));
        introduction::Entity::find().filter(cond).one(self.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn introduction(&self, caller: &Caller, id: i64) -> Result<IntroductionDetail> {
        let row = self.introduction_row(caller, id).await?;
        let state = state_of(&row.state);
        let introduction = self.to_introductions(vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        let events = introduction_event::Entity::find()
            .filter(introduction_event::Column::IntroductionId.eq(id))
            .order_by_asc(introduction_event::Column::At)
            .order_by_asc(introduction_event::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(|e| IntroductionEvent {
                at: local(e.at),
                actor: e.actor,
                from: e.from_state.as_deref().map(state_of),
                to: state_of(&e.to_state),
                detail: e.detail,
            })
            .collect();
        let followups = introduction_followup::Entity::find()
            .filter(introduction_followup::Column::IntroductionId.eq(id))
            .order_by_asc(introduction_followup::Column::OnDate)
            .order_by_asc(introduction_followup::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(|f| FollowUp {
                on: f.on_date,
                annual_sales_wan: f.annual_sales_wan,
                delivery_quantity: f.delivery_quantity,
                delivery_note: f.delivery_note,
                note: f.note,
                recorded_by: f.recorded_by,
                recorded_at: local(f.recorded_at),
            })
            .collect();
        Ok(IntroductionDetail { introduction, events, followups, next: state.next().to_vec() })
    }

    /// Records that a broker put a need and an offer together. The caller must see the need
    /// and broker for one of the two enterprises (or their cluster); the offer must be one
    /// the need's owner may see, as a match is.
    pub async fn introduce(&self, caller: &Caller, new: NewIntroduction) -> Result<i64> {
        self.introduce_at(caller, new, self.now()).await
    }

    /// [`Store::introduce`] as if at `at`: for the demo only, which shows introductions of
    /// past months.
    pub async fn demo_introduce_at(&self, caller: &Caller, new: NewIntroduction, at: DateTime<Utc>) -> Result<i64> {
        self.introduce_at(caller, new, at).await
    }

    async fn introduce_at(&self, caller: &Caller, new: NewIntroduction, at: DateTime<Utc>) -> Result<i64> {
        self.require(caller, Action::BrokerIntroductions)?;
        if !matches!(new.state, IntroductionState::Suggested | IntroductionState::Introduced) {
            return Err(StoreError::invalid("状态", "新的牵线只能是“建议”或“已牵线”"));
        }
        let need = self.visible_row(caller, new.need_listing).await?;
        if need.kind != ListingKind::Need.code() {
            return Err(StoreError::invalid("需求", format!("编号 {} 不是需求", need.id)));
        }
        let offer = listing::Entity::find_by_id(new.offer_listing)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::invalid("供给", format!("编号 {} 不存在", new.offer_listing)))?;
        if offer.kind != ListingKind::Offer.code() {
            return Err(StoreError::invalid("供给", format!("编号 {} 不是供给", offer.id)));
        }
        if offer.unit_id == need.unit_id {
            return Err(StoreError::invalid("供给", "供需双方是同一家企业"));
        }
        // The offer must reach the need's owner (as a match does) or the caller.
        let owner_view = Visibility::Keys(self.place(need.unit_id).await?.viewer_keys());
        let reaches =
            |v: &Visibility| Condition::all().add(visibility_condition(v)).add(listing::Column::Id.eq(offer.id));
        let caller_view = self.listing_visibility(caller).await?;
        let visible = listing::Entity::find().filter(reaches(&owner_view)).count(self.db()).await? > 0
            || listing::Entity::find().filter(reaches(&caller_view)).count(self.db()).await? > 0;
        if !visible {
            return Err(StoreError::NotFound);
        }
        // The broker works for one of the two enterprises.
        let mine = Condition::all()
            .add(self.unit_scope(caller).await?)
            .add(unit::Column::Id.is_in([need.unit_id, offer.unit_id]));
        if unit::Entity::find().filter(mine).count(self.db()).await? == 0 {
            return Err(StoreError::Forbidden);
        }
        let open_twin = introduction::Entity::find()
            .filter(introduction::Column::NeedListingId.eq(need.id))
            .filter(introduction::Column::OfferListingId.eq(offer.id))
            .filter(
                introduction::Column::State.is_not_in([IntroductionState::Won.code(), IntroductionState::Lost.code()]),
            )
            .one(self.db())
            .await?;
        if let Some(t) = open_twin {
            return Err(StoreError::invalid("牵线", format!("这对供需已有进行中的牵线（编号 {}）", t.id)));
        }
        let cluster_id = self.introduction_cluster(caller, need.unit_id, offer.unit_id).await?;
        let subject = {
            let mut row = need.clone();
            row.status = "open".to_owned();
            row.valid_until = row.valid_until.max(self.today());
            self.docs(vec![row]).await?.pop().and_then(|(_, d)| d)
        };
        let reasons = match subject {
            Some(s) => {
                let offer_doc = {
                    let mut row = offer.clone();
                    row.status = "open".to_owned();
                    row.valid_until = row.valid_until.max(self.today());
                    self.docs(vec![row]).await?.pop().and_then(|(_, d)| d)
                };
                offer_doc.map(|o| explain(&s, &o, self.today())).unwrap_or_default()
            }
            None => String::new(),
        };
        let txn = self.db().begin().await?;
        let saved = introduction::ActiveModel {
            need_listing_id: Set(need.id),
            offer_listing_id: Set(offer.id),
            need_unit_id: Set(need.unit_id),
            offer_unit_id: Set(offer.unit_id),
            cluster_id: Set(cluster_id),
            broker: Set(caller.username.clone()),
            broker_user_id: Set((caller.user_id.0 != 0).then_some(caller.user_id.0)),
            state: Set(new.state.code().to_owned()),
            reason: Set(None),
            deal_value_wan: Set(None),
            match_reasons: Set(reasons),
            note: Set(new.note.trim().to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
            is_demo: Set(new.is_demo),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        intro_event(&txn, saved.id, at, &caller.username, None, new.state, new.note.trim()).await?;
        txn.commit().await?;
        self.audit(
            caller,
            "introduction.create",
            "introduction",
            Some(saved.id.to_string()),
            format!("牵线：需求“{}”× 供给“{}”（{}）", need.title, offer.title, new.state.label()),
        )
        .await?;
        Ok(saved.id)
    }

    /// The cluster an introduction counts for: the secretary's own; else one both
    /// enterprises belong to; else the need's owner's first.
    async fn introduction_cluster(&self, caller: &Caller, need_unit: i64, offer_unit: i64) -> Result<Option<i64>> {
        if let Scope::Cluster(c) = &caller.scope {
            return Ok(Some(c.0));
        }
        let places = self.places(self.db(), &[need_unit, offer_unit]).await?;
        let need = places.get(&need_unit).map(|p| p.clusters.clone()).unwrap_or_default();
        let offer = places.get(&offer_unit).map(|p| p.clusters.clone()).unwrap_or_default();
        Ok(need.iter().find(|c| offer.contains(c)).or(need.first()).or(offer.first()).copied())
    }

    /// Moves an introduction to its next state: 未成交 needs a reason, 已成交 a deal value in
    /// 万元 (IntroductionState::check).
    pub async fn introduction_step(
        &self,
        caller: &Caller,
        id: i64,
        to: IntroductionState,
        deal_value_wan: Option<f64>,
        reason: Option<&str>,
        note: &str,
    ) -> Result<()> {
        self.introduction_step_at(caller, id, to, deal_value_wan, reason, note, self.now()).await
    }

    /// [`Store::introduction_step`] as if at `at`: for the demo only.
    #[allow(clippy::too_many_arguments)]
    pub async fn demo_introduction_step_at(
        &self,
        caller: &Caller,
        id: i64,
        to: IntroductionState,
        deal_value_wan: Option<f64>,
        reason: Option<&str>,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.introduction_step_at(caller, id, to, deal_value_wan, reason, note, at).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn introduction_step_at(
        &self,
        caller: &Caller,
        id: i64,
        to: IntroductionState,
        deal_value_wan: Option<f64>,
        reason: Option<&str>,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.require(caller, Action::BrokerIntroductions)?;
        let row = self.introduction_row(caller, id).await?;
        let from = state_of(&row.state);
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        from.check(to, deal_value_wan, reason).map_err(|e| {
            let field = match e {
                qunlian_domain::matching::IntroductionError::Transition(..) => "状态",
                qunlian_domain::matching::IntroductionError::ReasonRequired => "未成交原因",
                qunlian_domain::matching::IntroductionError::DealValueRequired => "成交金额",
            };
            let text = e.to_string();
            let message = text.split_once('：').map(|(_, m)| m.to_owned()).unwrap_or(text);
            StoreError::invalid(field, message)
        })?;
        let mut detail = Vec::new();
        if let Some(v) = deal_value_wan.filter(|_| to == IntroductionState::Won) {
            detail.push(format!("成交金额 {} 万元", format_number(v)));
        }
        if let Some(r) = reason.filter(|_| to == IntroductionState::Lost) {
            detail.push(format!("原因：{r}"));
        }
        if !note.trim().is_empty() {
            detail.push(note.trim().to_owned());
        }
        let detail = detail.join("；");
        let txn = self.db().begin().await?;
        let mut m: introduction::ActiveModel = row.clone().into();
        m.state = Set(to.code().to_owned());
        m.updated_at = Set(at);
        if to == IntroductionState::Won {
            m.deal_value_wan = Set(deal_value_wan);
        }
        if to == IntroductionState::Lost {
            m.reason = Set(reason.map(str::to_owned));
        }
        m.update(&txn).await?;
        intro_event(&txn, id, at, &caller.username, Some(from), to, &detail).await?;
        txn.commit().await?;
        self.audit(
            caller,
            "introduction.step",
            "introduction",
            Some(id.to_string()),
            format!(
                "{} → {}{}",
                from.label(),
                to.label(),
                if detail.is_empty() { String::new() } else { format!("（{detail}）") }
            ),
        )
        .await
    }

    /// Records what a deal brought on a date: annual sales, a delivery.
    pub async fn add_followup(&self, caller: &Caller, id: i64, f: NewFollowUp) -> Result<()> {
        self.require(caller, Action::BrokerIntroductions)?;
        let row = self.introduction_row(caller, id).await?;
        if state_of(&row.state) != IntroductionState::Won {
            return Err(StoreError::invalid("跟踪记录", "只有“已成交”的牵线才能记录成交后的跟踪结果"));
        }
        for (field, v) in [("年销售额", f.annual_sales_wan), ("交付数量", f.delivery_quantity)] {
            if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(StoreError::invalid(field, "应为不小于0的数"));
            }
        }
        if f.annual_sales_wan.is_none()
            && f.delivery_quantity.is_none()
            && f.delivery_note.trim().is_empty()
            && f.note.trim().is_empty()
        {
            return Err(StoreError::invalid("跟踪记录", "请至少填写年销售额、交付情况或说明中的一项"));
        }
        let on = f.on.unwrap_or_else(|| self.today());
        if on > self.today() {
            return Err(StoreError::invalid("日期", "不能晚于今天"));
        }
        introduction_followup::ActiveModel {
            introduction_id: Set(id),
            on_date: Set(on),
            annual_sales_wan: Set(f.annual_sales_wan),
            delivery_quantity: Set(f.delivery_quantity),
            delivery_note: Set(f.delivery_note.trim().to_owned()),
            note: Set(f.note.trim().to_owned()),
            recorded_by: Set(caller.username.clone()),
            recorded_at: Set(self.now()),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        let sales = f.annual_sales_wan.map(|v| format!("年销售额 {} 万元", format_number(v))).unwrap_or_default();
        self.audit(caller, "introduction.followup", "introduction", Some(id.to_string()), format!("{on} 跟踪：{sales}"))
            .await
    }

    /// Open introductions between these listings, by (need, offer), for lists that say
    /// whether a pair was already introduced.
    async fn introductions_of_pairs(&self, needs: &[i64]) -> Result<HashMap<(i64, i64), (i64, IntroductionState)>> {
        let rows: Vec<(i64, i64, i64, String)> = introduction::Entity::find()
            .select_only()
            .column(introduction::Column::Id)
            .column(introduction::Column::NeedListingId)
            .column(introduction::Column::OfferListingId)
            .column(introduction::Column::State)
            .filter(introduction::Column::NeedListingId.is_in(needs.to_vec()))
            .order_by_asc(introduction::Column::Id)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|(id, n, o, s)| ((n, o), (id, state_of(&s)))).collect())
    }
}

/// The reasons one listing would be recommended for another, in one sentence.
fn explain(subject: &ListingDoc, other: &ListingDoc, today: NaiveDate) -> String {
    let chain = match (subject.industry, other.industry) {
        (Some(a), Some(b)) => qunlian_domain::matching::chain_relation(a, b),
        _ => None,
    };
    Reasons {
        matched_terms: Vec::new(),
        chain,
        distance: subject.owner.distance_to(&other.owner),
        urgency: other.urgency.max(subject.urgency),
        same_category: (other.category == subject.category).then_some(other.category),
        age_days: (today - other.published_on).num_days().max(0),
    }
    .sentence()
}

async fn intro_event(
    txn: &DatabaseTransaction,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    from: Option<IntroductionState>,
    to: IntroductionState,
    detail: &str,
) -> Result<()> {
    introduction_event::ActiveModel {
        introduction_id: Set(id),
        at: Set(at),
        actor: Set(actor.to_owned()),
        from_state: Set(from.map(|s| s.code().to_owned())),
        to_state: Set(to.code().to_owned()),
        detail: Set(detail.to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The matching meeting (要素对接会)

/// One pair of the meeting list.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingPair {
    pub need: Listing,
    pub offer: Listing,
    pub score: f64,
    pub reasons: Reasons,
    pub sentence: String,
    /// An introduction already recorded for the pair: its id and state.
    pub introduction: Option<(i64, IntroductionState)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MeetingList {
    pub cluster_id: i64,
    pub cluster: String,
    pub date: NaiveDate,
    /// Open needs of the members on that date.
    pub needs: usize,
    pub pairs: Vec<MeetingPair>,
}

impl Store {
    /// The batch list of a matching meeting: for each open need of the cluster's members on
    /// `date`, its best `per_need` counterparts reachable from it (by the offers' reach),
    /// then every pair ranked — emergency needs first, then by score.
    pub async fn meeting_list(
        &self,
        caller: &Caller,
        index: &dyn SearchIndex,
        cluster_id: ClusterId,
        date: NaiveDate,
        per_need: usize,
    ) -> Result<MeetingList> {
        self.require(caller, Action::ReadListings)?;
        let cond = Condition::all().add(self.cluster_scope(caller).await?).add(cluster::Column::Id.eq(cluster_id.0));
        let c = cluster::Entity::find().filter(cond).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let needs = listing::Entity::find()
            .filter(listing::Column::UnitId.in_subquery(members_of(c.id)))
            .filter(listing::Column::Kind.eq(ListingKind::Need.code()))
            .filter(listing::Column::Status.eq("open"))
            .filter(listing::Column::ValidUntil.gte(date))
            .order_by_asc(listing::Column::Id)
            .limit(2000)
            .all(self.db())
            .await?;
        let need_ids: Vec<i64> = needs.iter().map(|n| n.id).collect();
        let docs = self.docs_on(needs, date).await?;
        let need_rows: HashMap<i64, Listing> = self
            .to_listings(
                listing::Entity::find().filter(listing::Column::Id.is_in(need_ids.clone())).all(self.db()).await?,
            )
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let introduced = self.introductions_of_pairs(&need_ids).await?;
        let mut pairs = Vec::new();
        for doc in &docs {
            let Some(need) = need_rows.get(&doc.id) else { continue };
            for m in self.ranked(index, doc, date, per_need).await? {
                pairs.push(MeetingPair {
                    introduction: introduced.get(&(need.id, m.listing.id)).copied(),
                    need: need.clone(),
                    offer: m.listing,
                    score: m.score,
                    reasons: m.reasons,
                    sentence: m.sentence,
                });
            }
        }
        pairs.sort_by(|a, b| {
            b.need
                .is_emergency_need()
                .cmp(&a.need.is_emergency_need())
                .then(b.score.total_cmp(&a.score))
                .then(a.need.id.cmp(&b.need.id))
                .then(a.offer.id.cmp(&b.offer.id))
        });
        Ok(MeetingList { cluster_id: c.id, cluster: c.name, date, needs: docs.len(), pairs })
    }

    /// Docs of listings as on `date` (the meeting's day), whatever today is.
    async fn docs_on(&self, rows: Vec<listing::Model>, date: NaiveDate) -> Result<Vec<ListingDoc>> {
        let today = self.today();
        let rows = rows
            .into_iter()
            .map(|mut r| {
                // docs() drops what is expired today; the meeting decides by its own date.
                r.valid_until = r.valid_until.max(today);
                r
            })
            .collect();
        let mut docs: Vec<ListingDoc> = self.docs(rows).await?.into_iter().filter_map(|(_, d)| d).collect();
        for d in &mut docs {
            d.valid_until = d.valid_until.max(date);
        }
        Ok(docs)
    }
}

// ---------------------------------------------------------------------------------------
// Import

/// One good row of a listings file, as `qunlian_io::listings` reads it.
#[derive(Clone, Debug)]
pub struct ListingImportRow {
    pub line: usize,
    pub uscc: String,
    pub fields: ListingFields,
}

/// A row the store refused, by its line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListingReject {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListingImportCounts {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Store {
    /// Saves the good rows of a listings file in one transaction: a row whose enterprise
    /// (by USCC) is unknown or outside the caller's scope is refused with its line; a row
    /// whose enterprise already has a listing of the same kind and title updates it (so a
    /// re-run adds nothing). Closed listings stay closed.
    pub async fn import_listings(
        &self,
        caller: &Caller,
        rows: Vec<ListingImportRow>,
        source: &str,
        rejected_in_file: usize,
        is_demo: bool,
    ) -> Result<(ListingImportCounts, Vec<ListingReject>)> {
        self.require(caller, Action::PublishListings)?;
        let mut counts = ListingImportCounts::default();
        let mut rejects = Vec::new();
        let scope = self.unit_scope(caller).await?;
        let usccs: Vec<String> = rows.iter().map(|r| r.uscc.clone()).collect::<HashSet<_>>().into_iter().collect();
        let mut units: HashMap<String, i64> = HashMap::new();
        let mut known: HashSet<String> = HashSet::new();
        for chunk in usccs.chunks(BATCH as usize) {
            let found: Vec<(i64, Option<String>)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::Uscc)
                .filter(unit::Column::Uscc.is_in(chunk.to_vec()))
                .into_tuple()
                .all(self.db())
                .await?;
            known.extend(found.into_iter().filter_map(|(_, u)| u));
            let mine: Vec<(i64, Option<String>)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::Uscc)
                .filter(Condition::all().add(scope.clone()).add(unit::Column::Uscc.is_in(chunk.to_vec())))
                .into_tuple()
                .all(self.db())
                .await?;
            units.extend(mine.into_iter().filter_map(|(id, u)| u.map(|u| (u, id))));
        }
        let today = self.today();
        let now = self.now();
        let txn = self.db().begin().await?;
        let mut seen: HashMap<(i64, String, String), usize> = HashMap::new();
        for row in rows {
            let Some(&unit_id) = units.get(&row.uscc) else {
                let reason = if known.contains(&row.uscc) {
                    format!("统一社会信用代码：{} 的企业不在您的权限范围内", row.uscc)
                } else {
                    format!("统一社会信用代码：{} 不在企业名录中，请先导入该企业", row.uscc)
                };
                rejects.push(ListingReject { line: row.line, reason });
                continue;
            };
            let (title, description, quantity_unit) = match self.check_fields(&row.fields) {
                Ok(t) => t,
                Err(e) => {
                    rejects.push(ListingReject { line: row.line, reason: e.to_string() });
                    continue;
                }
            };
            let f = &row.fields;
            let key = (unit_id, f.kind.code().to_owned(), title.clone());
            if let Some(first) = seen.get(&key) {
                rejects.push(ListingReject {
                    line: row.line,
                    reason: format!("与第{first}行重复（同一企业、同一类型、同一标题）"),
                });
                continue;
            }
            seen.insert(key, row.line);
            let existing = listing::Entity::find()
                .filter(listing::Column::UnitId.eq(unit_id))
                .filter(listing::Column::Kind.eq(f.kind.code()))
                .filter(listing::Column::Title.eq(&title))
                .order_by_desc(listing::Column::Id)
                .one(&txn)
                .await?;
            let industry = f.industry.map(|i| i.as_str().to_owned());
            match existing {
                Some(e) => {
                    let same = e.category == f.category.code()
                        && e.description == description
                        && e.industry_code == industry
                        && e.quantity == f.quantity
                        && e.quantity_unit == quantity_unit
                        && e.urgency == f.urgency.code()
                        && e.reach == f.reach.code()
                        && e.valid_until == f.valid_until;
                    if same {
                        counts.unchanged += 1;
                        continue;
                    }
                    let mut m: listing::ActiveModel = e.into();
                    m.category = Set(f.category.code().to_owned());
                    m.description = Set(description);
                    m.industry_code = Set(industry);
                    m.quantity = Set(f.quantity);
                    m.quantity_unit = Set(quantity_unit);
                    m.urgency = Set(f.urgency.code().to_owned());
                    m.reach = Set(f.reach.code().to_owned());
                    m.valid_until = Set(f.valid_until);
                    m.updated_at = Set(now);
                    m.update(&txn).await?;
                    counts.updated += 1;
                }
                None => {
                    if f.valid_until < today {
                        rejects.push(ListingReject {
                            line: row.line,
                            reason: format!("有效期至：{} 已过期", f.valid_until),
                        });
                        continue;
                    }
                    new_listing(unit_id, f, (title, description, quantity_unit), caller, now, is_demo)
                        .insert(&txn)
                        .await?;
                    counts.imported += 1;
                }
            }
        }
        txn.commit().await?;
        rejects.sort_by_key(|r| r.line);
        self.audit(
            caller,
            "listing.import",
            "listing",
            None,
            format!(
                "导入供需“{source}”：新增{}，更新{}，未变{}，拒绝{}",
                counts.imported,
                counts.updated,
                counts.unchanged,
                rejects.len() + rejected_in_file
            ),
        )
        .await?;
        Ok((counts, rejects))
    }
}

// ---------------------------------------------------------------------------------------
// Schema (migration step 9)

async fn create_table<E: EntityTrait>(
    db: &impl ConnectionTrait,
    schema: &sea_orm::Schema,
    entity: E,
) -> std::result::Result<(), sea_orm::DbErr> {
    db.execute(&schema.create_table_from_entity(entity)).await?;
    for index in schema.create_index_from_entity(entity) {
        db.execute(&index).await?;
    }
    Ok(())
}

/// Listings, their change log, introductions with events and follow-ups. The change log is
/// written by triggers on `listings` (every insert, update, delete) and on what decides who
/// sees a listing — the owner's cluster memberships and town — so the index learns of a
/// change whoever made it (a page, an import, another process).
///
/// On PostgreSQL the trigger functions take a transaction-level advisory lock before
/// writing a change, so changes get their `seq` in commit order: a reader never sees seq 6
/// committed while seq 5 is still invisible in an open transaction (and then skips it for
/// ever). SQLite has one writer at a time, which gives the same order.
pub(crate) async fn migrate(
    db: &impl ConnectionTrait,
    backend: sea_orm::DbBackend,
) -> std::result::Result<(), sea_orm::DbErr> {
    let schema = sea_orm::Schema::new(backend);
    create_table(db, &schema, listing::Entity).await?;
    create_table(db, &schema, listing_change::Entity).await?;
    create_table(db, &schema, introduction::Entity).await?;
    create_table(db, &schema, introduction_event::Entity).await?;
    create_table(db, &schema, introduction_followup::Entity).await?;
    db.execute_unprepared("CREATE INDEX idx_listings_key ON listings (unit_id, kind, title)").await?;
    match backend {
        sea_orm::DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 PERFORM pg_advisory_xact_lock(4004001); \
                 IF TG_OP = 'DELETE' THEN INSERT INTO listing_changes (listing_id) VALUES (OLD.id); \
                 ELSE INSERT INTO listing_changes (listing_id) VALUES (NEW.id); END IF; \
                 RETURN NULL; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER listings_changes AFTER INSERT OR UPDATE OR DELETE ON listings \
                 FOR EACH ROW EXECUTE FUNCTION listing_changed()",
            )
            .await?;
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION listing_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 PERFORM pg_advisory_xact_lock(4004001); \
                 IF TG_OP IN ('UPDATE', 'DELETE') THEN \
                   INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = OLD.unit_id; END IF; \
                 IF TG_OP IN ('INSERT', 'UPDATE') THEN \
                   INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = NEW.unit_id; END IF; \
                 RETURN NULL; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER cluster_members_listing_changes AFTER INSERT OR UPDATE OR DELETE ON cluster_members \
                 FOR EACH ROW EXECUTE FUNCTION listing_membership_changed()",
            )
            .await?;
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION listing_owner_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 PERFORM pg_advisory_xact_lock(4004001); \
                 INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = NEW.id; \
                 RETURN NULL; END $$",
            )
            .await?;
            // Only a real move fires it: an import re-writing a million unchanged towns
            // costs nothing here.
            db.execute_unprepared(
                "CREATE TRIGGER units_listing_changes AFTER UPDATE OF town_code ON units FOR EACH ROW \
                 WHEN (OLD.town_code IS DISTINCT FROM NEW.town_code) EXECUTE FUNCTION listing_owner_moved()",
            )
            .await?;
        }
        _ => {
            for (op, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER listings_changes_{lower} AFTER {op} ON listings \
                     BEGIN INSERT INTO listing_changes (listing_id) VALUES ({row}.id); END",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
            for (op, rows) in [("INSERT", vec!["NEW"]), ("UPDATE", vec!["OLD", "NEW"]), ("DELETE", vec!["OLD"])] {
                let body: String = rows
                    .iter()
                    .map(|r| {
                        format!("INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = {r}.unit_id;")
                    })
                    .collect();
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER cluster_members_listing_changes_{lower} AFTER {op} ON cluster_members BEGIN {body} END",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
            db.execute_unprepared(
                "CREATE TRIGGER units_listing_changes AFTER UPDATE OF town_code ON units \
                 WHEN OLD.town_code IS NOT NEW.town_code \
                 BEGIN INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = NEW.id; END",
            )
            .await?;
        }
    }
    Ok(())
}

/// A new open listing as a form or an import row states it, with its title, description
/// and unit of quantity as [`Store::check_fields`] cleaned them.
fn new_listing(
    unit_id: i64,
    f: &ListingFields,
    (title, description, quantity_unit): (String, String, Option<String>),
    caller: &Caller,
    now: DateTime<Utc>,
    is_demo: bool,
) -> listing::ActiveModel {
    listing::ActiveModel {
        unit_id: Set(unit_id),
        kind: Set(f.kind.code().to_owned()),
        category: Set(f.category.code().to_owned()),
        title: Set(title),
        description: Set(description),
        industry_code: Set(f.industry.map(|i| i.as_str().to_owned())),
        quantity: Set(f.quantity),
        quantity_unit: Set(quantity_unit),
        urgency: Set(f.urgency.code().to_owned()),
        reach: Set(f.reach.code().to_owned()),
        valid_until: Set(f.valid_until),
        status: Set("open".to_owned()),
        created_by: Set(caller.username.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        is_demo: Set(is_demo),
        ..Default::default()
    }
}
