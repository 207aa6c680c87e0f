//! Enterprises and other units: lists, filters, one unit, creation and edits.

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, ClusterId, Scope, UnitId};
use qunlian_domain::registry::{EnterpriseInput, SrdiLevel, UnitKind};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use serde::Serialize;

use super::changes::UnitChanges;
use super::*;
use super::{industry_name, mask_phone, town_name};
use crate::audit::Change;
use crate::entity::{cluster, cluster_member, park, party_org, party_org_unit, unit};
use crate::scope::town_in;
use crate::{Page, PageRequest, Result, StoreError};

/// An enterprise (or other unit) as pages and the API show it: codes resolved to names,
/// personal data masked.
#[derive(Clone, Debug, Serialize)]
pub struct Enterprise {
    pub id: UnitId,
    pub kind: UnitKind,
    pub kind_label: &'static str,
    pub name: String,
    pub uscc: Option<String>,
    pub town_code: String,
    pub town_name: String,
    pub park_id: Option<i64>,
    pub industry_code: Option<String>,
    pub industry_name: Option<String>,
    pub employees: Option<i32>,
    pub high_tech: bool,
    pub above_scale: bool,
    pub srdi: SrdiLevel,
    pub srdi_label: &'static str,
    pub listed: bool,
    pub key_project: bool,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    /// Masked, e.g. 138****5678; the full number only through [`Registry::reveal_contact_phone`].
    pub contact_phone: Option<String>,
    pub is_demo: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct UnitLinks {
    /// (cluster id, name, role label)
    pub clusters: Vec<(i64, String, &'static str)>,
    /// (org id, name, dissolved)
    pub orgs: Vec<(i64, String, bool)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnterpriseFilter {
    /// Part of the name, or the start of the USCC.
    pub q: Option<String>,
    /// A district or town; enterprises registered inside it.
    pub region: Option<RegionCode>,
    pub cluster: Option<ClusterId>,
    /// In this park or one of its sub-parks.
    pub park: Option<i64>,
    /// A GB/T 4754 code; enterprises in it or below it (prefix).
    pub industry: Option<String>,
    pub high_tech: Option<bool>,
    pub above_scale: Option<bool>,
    /// At least this 专精特新 level.
    pub srdi_at_least: Option<SrdiLevel>,
    pub listed: Option<bool>,
    pub key_project: Option<bool>,
    pub kind: Option<UnitKind>,
    pub is_demo: Option<bool>,
    /// Covered by at least one Party organisation that has not been dissolved.
    pub has_org: Option<bool>,
    /// In this key-enterprise category (by its rule).
    pub category: Option<qunlian_domain::auth::CategoryId>,
    /// With this derived coverage status today.
    pub coverage: Option<qunlian_domain::coverage::CoverageStatus>,
    /// Organisationally covered (own or joint) today, or not: the gap of a category.
    pub org_covered: Option<bool>,
}

/// How the unit list is ordered: the domain's set, here where callers of the store look.
pub use qunlian_domain::registry::EnterpriseSort;

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

impl EnterpriseFilter {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        c = c.add(unit::Column::Kind.eq(self.kind.unwrap_or(UnitKind::Enterprise).code()));
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let by_name = Expr::col(unit::Column::Name)
                .like(sea_orm::sea_query::LikeExpr::new(format!("%{}%", like_escape(q))).escape('\\'));
            // Only letters and digits can start a USCC; anything else is searched as a name.
            c = c.add(if q.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                Condition::any().add(by_name).add(unit::Column::Uscc.starts_with(q.to_uppercase()))
            } else {
                Condition::any().add(by_name)
            });
        }
        if let Some(region) = &self.region {
            c = c.add(town_in(unit::Column::TownCode, region));
        }
        if let Some(cluster) = self.cluster {
            c = c.add(
                unit::Column::Id.in_subquery(
                    Query::select()
                        .column(cluster_member::Column::UnitId)
                        .from(cluster_member::Entity)
                        .and_where(cluster_member::Column::ClusterId.eq(cluster.0))
                        .and_where(cluster_member::Column::LeftOn.is_null())
                        .to_owned(),
                ),
            );
        }
        if let Some(industry) = self.industry.as_deref().filter(|s| !s.is_empty()) {
            c = c.add(unit::Column::IndustryCode.starts_with(industry));
        }
        for (flag, col) in [
            (self.high_tech, unit::Column::HighTech),
            (self.above_scale, unit::Column::AboveScale),
            (self.listed, unit::Column::Listed),
            (self.key_project, unit::Column::KeyProject),
            (self.is_demo, unit::Column::IsDemo),
        ] {
            if let Some(v) = flag {
                c = c.add(col.eq(v));
            }
        }
        if let Some(has) = self.has_org {
            let active_orgs = Query::select()
                .column(party_org::Column::Id)
                .from(party_org::Entity)
                .and_where(party_org::Column::DissolvedOn.is_null())
                .to_owned();
            let covered = Query::select()
                .column(party_org_unit::Column::UnitId)
                .from(party_org_unit::Entity)
                .and_where(party_org_unit::Column::PartyOrgId.in_subquery(active_orgs))
                .to_owned();
            c = c.add(if has {
                unit::Column::Id.in_subquery(covered)
            } else {
                unit::Column::Id.not_in_subquery(covered)
            });
        }
        if let Some(level) = self.srdi_at_least.filter(|l| *l != SrdiLevel::None) {
            c = c.add(unit::Column::Srdi.gte(level));
        }
        c
    }
}

impl Registry<'_> {
    /// A park's name for an audit text (empty for none).
    async fn park_label(&self, db: &impl sea_orm::ConnectionTrait, id: Option<i64>) -> Result<String> {
        let Some(id) = id else { return Ok(String::new()) };
        let found = park::Entity::find_by_id(id).one(db).await?;
        Ok(found.map(|p| p.name).unwrap_or_else(|| format!("#{id}")))
    }

    pub(crate) fn to_enterprise(self, m: unit::Model) -> Enterprise {
        let srdi = m.srdi;
        let contact_phone = m.contact_phone_enc.as_deref().map(|enc| match self.store.crypto().decrypt(enc) {
            Ok(plain) => mask_phone(&plain),
            Err(_) => "（无法解密）".to_owned(),
        });
        Enterprise {
            id: UnitId(m.id),
            kind: m.kind,
            kind_label: m.kind.label(),
            town_name: town_name(&m.town_code),
            industry_name: industry_name(m.industry_code.as_deref()),
            name: m.name,
            uscc: m.uscc,
            town_code: m.town_code,
            park_id: m.park_id,
            industry_code: m.industry_code,
            employees: m.employees,
            high_tech: m.high_tech,
            above_scale: m.above_scale,
            srdi,
            srdi_label: srdi.label(),
            listed: m.listed,
            key_project: m.key_project,
            founded_on: m.founded_on,
            address: m.address,
            contact_name: m.contact_name,
            contact_phone,
            is_demo: m.is_demo,
            updated_at: m.updated_at,
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_enterprises(
        self,
        caller: &Caller,
        filter: &EnterpriseFilter,
        sort: EnterpriseSort,
        descending: bool,
        page: PageRequest,
    ) -> Result<Page<Enterprise>> {
        let cond = self.enterprise_condition(caller, filter).await?;
        let order = if descending { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
        let key = match sort {
            EnterpriseSort::Name => unit::Column::Name,
            EnterpriseSort::Employees => unit::Column::Employees,
            EnterpriseSort::Town => unit::Column::TownCode,
            EnterpriseSort::Updated => unit::Column::UpdatedAt,
        };
        let ids = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .filter(cond.clone())
            .order_by(key, order.clone())
            .order_by_asc(unit::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .into_query();
        // A page of a condition on the units alone is kept with the data version it was read
        // at and given again while nothing changed (crate::counts): the version is one small
        // statement, the page fifty wide rows to decode and fifty phones to decrypt.
        let kept = (Self::units_only(caller, filter) && page.per_page <= crate::counts::MAX_KEPT_PER_PAGE)
            .then(|| crate::counts::key_of(&self.store.backend().build(&ids)));
        if let Some(page_key) = &kept {
            let version = self.store.data_version().await?;
            if let Some(items) = self.store.enterprise_pages.get(page_key, version) {
                let total = self.count_units(caller, filter, cond, Some(version)).await?;
                return Ok(Page { items: items.as_ref().clone(), total, page: page.page, per_page: page.per_page });
            }
        }
        // One statement: the page's ids from the covering index (the filters never read the
        // wide rows they reject), those rows in the same order, and the data version the
        // kept count and page are checked against. Each statement is a hand-over to a
        // database thread and back, which under load cost more than the statements themselves
        // (docs/benchmarks.md, “List API throughput”).
        let mut select = unit::Entity::find()
            .filter(unit::Column::Id.in_subquery(ids))
            .order_by(key, order)
            .order_by_asc(unit::Column::Id);
        for (sql, alias) in crate::counts::VERSION_COLUMNS {
            select = select.column_as(Expr::cust(sql), alias);
        }
        let rows = sea_orm::ConnectionTrait::query_all_raw(self.store.db(), select.build(self.store.backend())).await?;
        let version = rows.first().map(crate::counts::Version::from_row);
        let items = rows
            .iter()
            .map(|r| <unit::Model as sea_orm::FromQueryResult>::from_query_result(r, "").map(|m| self.to_enterprise(m)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if let (Some(page_key), Some(version)) = (kept, version) {
            self.store.enterprise_pages.put(page_key, version, std::sync::Arc::new(items.clone()));
        }
        let total = self.count_units(caller, filter, cond, version).await?;
        Ok(Page { items, total, page: page.page, per_page: page.per_page })
    }

    /// Every enterprise the filter selects, for exports; read page by page so each query
    /// stays small.
    pub async fn all_enterprises(
        self,
        caller: &Caller,
        filter: &EnterpriseFilter,
        sort: EnterpriseSort,
        descending: bool,
    ) -> Result<Vec<Enterprise>> {
        let mut all = Vec::new();
        for page_no in 1.. {
            let page = self
                .list_enterprises(
                    caller,
                    filter,
                    sort,
                    descending,
                    PageRequest::new(Some(page_no), Some(PageRequest::MAX_PER_PAGE)),
                )
                .await?;
            let done = page.page >= page.pages();
            all.extend(page.items);
            if done {
                break;
            }
        }
        Ok(all)
    }

    /// Counts only, for figures that link to the list with the same filter.
    pub async fn count_enterprises(self, caller: &Caller, filter: &EnterpriseFilter) -> Result<u64> {
        let cond = self.enterprise_condition(caller, filter).await?;
        self.count_units(caller, filter, cond, None).await
    }

    /// The number of units `cond` selects. A condition on the units table alone (the
    /// scope of a region, a unit or everything; the filters on the unit's own columns) is
    /// counted once per change of the data (`crate::counts`); one that reaches into
    /// memberships, Party organisations or coverage is counted every time.
    async fn count_units(
        self,
        caller: &Caller,
        filter: &EnterpriseFilter,
        cond: Condition,
        version: Option<crate::counts::Version>,
    ) -> Result<u64> {
        let count = unit::Entity::find().filter(cond.clone()).count(self.store.db());
        if !Self::units_only(caller, filter) {
            return Ok(count.await?);
        }
        let key = unit::Entity::find().select_only().column(unit::Column::Id).filter(cond).build(self.store.backend());
        self.store.cached_count(&key, version, async { Ok(count.await?) }).await
    }

    /// Whether the caller's scope and the filter are conditions on the units table alone, so
    /// that the data version (`crate::counts`) tells when their count or page changes.
    fn units_only(caller: &Caller, filter: &EnterpriseFilter) -> bool {
        matches!(
            caller.scope,
            Scope::All | Scope::Nothing | Scope::Region(_) | Scope::Enterprise(_) | Scope::Department(_)
        ) && filter.cluster.is_none()
            && filter.has_org.is_none()
            && filter.category.is_none()
            && filter.coverage.is_none()
            && filter.org_covered.is_none()
    }

    /// The caller's scope and the filter, coverage drill-downs included, as one condition.
    async fn enterprise_condition(self, caller: &Caller, filter: &EnterpriseFilter) -> Result<Condition> {
        crate::shared::search_text(filter.q.as_deref())?;
        self.store.require(caller, Action::ReadRegistry)?;
        let mut cond = Condition::all().add(self.store.unit_scope(caller).await?).add(filter.condition());
        if let Some(park) = filter.park {
            // A park holds the enterprises of its sub-parks too.
            cond = cond.add(unit::Column::ParkId.is_in(self.park_subtree(park).await?));
        }
        if filter.category.is_some() || filter.coverage.is_some() || filter.org_covered.is_some() {
            cond = cond.add(
                self.store.coverage().filter_condition(filter.category, filter.coverage, filter.org_covered).await?,
            );
        }
        Ok(cond)
    }

    pub async fn enterprise(self, caller: &Caller, id: UnitId) -> Result<Enterprise> {
        let m = self.store.unit_in_scope(caller, id).await?;
        Ok(self.to_enterprise(m))
    }

    pub async fn enterprise_by_uscc(self, caller: &Caller, uscc: &str) -> Result<Enterprise> {
        self.store.require(caller, Action::ReadRegistry)?;
        let cond = Condition::all().add(self.store.unit_scope(caller).await?).add(unit::Column::Uscc.eq(uscc));
        let m = unit::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        Ok(self.to_enterprise(m))
    }

    /// The full contact phone of an enterprise; allowed to roles that work with enterprises
    /// directly, and recorded in the audit log every time.
    pub async fn reveal_contact_phone(self, caller: &Caller, id: UnitId) -> Result<Option<String>> {
        self.store.require(caller, Action::RevealPersonal)?;
        let m = self.store.unit_in_scope(caller, id).await?;
        let plain = match m.contact_phone_enc.as_deref() {
            Some(enc) => Some(self.store.crypto().decrypt(enc)?),
            None => None,
        };
        self.store
            .audit()
            .record(caller, "personal.read", "unit", Some(id.to_string()), format!("查看“{}”联系人电话", m.name))
            .await?;
        Ok(plain)
    }

    /// Looks an enterprise up by its contact phone through the blind index.
    pub async fn enterprises_by_phone(self, caller: &Caller, phone: &qunlian_domain::Phone) -> Result<Vec<Enterprise>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let bidx = self.store.crypto().blind_index(phone.as_str());
        let cond =
            Condition::all().add(self.store.unit_scope(caller).await?).add(unit::Column::ContactPhoneBidx.eq(bidx));
        let rows = unit::Entity::find().filter(cond).all(self.store.db()).await?;
        self.store
            .audit()
            .record(caller, "personal.search", "unit", None, format!("按联系电话查询，命中{}条", rows.len()))
            .await?;
        Ok(rows.into_iter().map(|m| self.to_enterprise(m)).collect())
    }

    /// The clusters and Party organisations an enterprise belongs to, as far as the caller
    /// may see them.
    pub async fn unit_links(self, caller: &Caller, id: UnitId) -> Result<UnitLinks> {
        self.store.unit_in_scope(caller, id).await?;
        let memberships = cluster_member::Entity::find()
            .filter(cluster_member::Column::UnitId.eq(id.0))
            .filter(cluster_member::Column::LeftOn.is_null())
            .all(self.store.db())
            .await?;
        let cluster_cond = self.store.cluster_scope(caller).await?;
        let mut clusters = Vec::new();
        for m in memberships {
            if let Some(c) =
                cluster::Entity::find_by_id(m.cluster_id).filter(cluster_cond.clone()).one(self.store.db()).await?
            {
                clusters.push((c.id, c.name, if m.role == "head" { "龙头企业" } else { "成员单位" }));
            }
        }
        let org_ids: Vec<i64> = party_org_unit::Entity::find()
            .filter(party_org_unit::Column::UnitId.eq(id.0))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|x| x.party_org_id)
            .collect();
        let orgs = party_org::Entity::find()
            .filter(party_org::Column::Id.is_in(org_ids))
            .filter(self.store.org_scope(caller).await?)
            .order_by_asc(party_org::Column::Name)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|o| (o.id, o.name, o.dissolved_on.is_some()))
            .collect();
        Ok(UnitLinks { clusters, orgs })
    }

    fn may_create_in(self, caller: &Caller, town: &RegionCode) -> bool {
        match &caller.scope {
            Scope::All => true,
            Scope::Region(region) => town.is_within(region) || town == region,
            _ => false,
        }
    }

    /// The park a unit's form or file names, created (with its `park.create` line, on `db`:
    /// the transaction of the unit's own change) when no park has that name yet.
    pub(crate) async fn park_id_for(
        self,
        db: &impl sea_orm::ConnectionTrait,
        caller: &Caller,
        name: Option<&str>,
        town: &RegionCode,
        demo: bool,
    ) -> Result<Option<i64>> {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { return Ok(None) };
        if let Some(p) = park::Entity::find().filter(park::Column::Name.eq(name)).one(db).await? {
            return Ok(Some(p.id));
        }
        let p = park::ActiveModel {
            name: Set(name.to_owned()),
            town_code: Set(town.to_string()),
            parent_id: Set(None),
            is_demo: Set(demo),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let line = format!("新增园区“{}”", p.name);
        self.store.audit().record_on(db, caller, "park.create", "park", Some(p.id.to_string()), line).await?;
        Ok(Some(p.id))
    }

    pub(crate) fn active_unit(
        self,
        input: &EnterpriseInput,
        kind: UnitKind,
        park_id: Option<i64>,
        demo: bool,
    ) -> unit::ActiveModel {
        let now = self.store.now();
        let phone = input.contact_phone.as_ref();
        unit::ActiveModel {
            kind: Set(kind),
            name: Set(input.name.clone()),
            uscc: Set(Some(input.uscc.as_str().to_owned())),
            town_code: Set(input.town.to_string()),
            park_id: Set(park_id),
            industry_code: Set(input.industry.as_ref().map(|i| i.as_str().to_owned())),
            employees: Set(input.employees.map(|e| i32::try_from(e).unwrap_or(i32::MAX))),
            high_tech: Set(input.high_tech),
            above_scale: Set(input.above_scale),
            srdi: Set(input.srdi),
            listed: Set(input.listed),
            key_project: Set(input.key_project),
            founded_on: Set(input.founded_on),
            address: Set(input.address.clone()),
            contact_name: Set(input.contact_name.clone()),
            contact_phone_enc: Set(phone.map(|p| self.store.crypto().encrypt(p.as_str()))),
            contact_phone_bidx: Set(phone.map(|p| self.store.crypto().blind_index(p.as_str()))),
            row_hash: Set(self.row_hash(input)),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }

    /// A keyed digest of every imported field: equal inputs give equal hashes, so a re-run
    /// of the same file is recognised as unchanged without decrypting anything.
    /// A keyed digest of every imported field: equal digests mean a re-import changes
    /// nothing. Keyed, because it covers the phone, which a plain hash would let anyone
    /// holding the table guess back.
    pub(crate) fn row_hash(self, input: &EnterpriseInput) -> String {
        let flags =
            [input.high_tech, input.above_scale, input.listed, input.key_project].map(|f| if f { b'1' } else { b'0' });
        let employees = input.employees.map(|n| n.to_string()).unwrap_or_default();
        let founded = input.founded_on.map(|d| d.to_string()).unwrap_or_default();
        let town = input.town.to_string();
        let srdi = input.srdi.number().to_string();
        self.store.crypto().blind_index_parts(&[
            b"v2",
            input.name.as_bytes(),
            input.uscc.as_str().as_bytes(),
            town.as_bytes(),
            input.park.as_deref().unwrap_or("").as_bytes(),
            input.industry.as_ref().map(|i| i.as_str()).unwrap_or("").as_bytes(),
            employees.as_bytes(),
            &flags,
            srdi.as_bytes(),
            founded.as_bytes(),
            input.address.as_deref().unwrap_or("").as_bytes(),
            input.contact_name.as_deref().unwrap_or("").as_bytes(),
            input.contact_phone.as_ref().map(|p| p.as_str()).unwrap_or("").as_bytes(),
        ])
    }

    pub async fn create_enterprise(self, caller: &Caller, input: EnterpriseInput) -> Result<UnitId> {
        self.create_unit(caller, input, UnitKind::Enterprise, false).await
    }

    pub async fn create_unit(
        self,
        caller: &Caller,
        input: EnterpriseInput,
        kind: UnitKind,
        demo: bool,
    ) -> Result<UnitId> {
        self.store.require(caller, Action::WriteRegistry)?;
        if !self.may_create_in(caller, &input.town) {
            return Err(StoreError::invalid("所属街镇", format!("{}不在您的管辖范围内", input.town.full_name())));
        }
        if unit::Entity::find().filter(unit::Column::Uscc.eq(input.uscc.as_str())).one(self.store.db()).await?.is_some()
        {
            return Err(StoreError::invalid("统一社会信用代码", format!("{}已登记", input.uscc)));
        }
        let m = self
            .store
            .recorded(
                caller,
                async |txn| {
                    let park_id = self.park_id_for(txn, caller, input.park.as_deref(), &input.town, demo).await?;
                    Ok(self.active_unit(&input, kind, park_id, demo).insert(txn).await?)
                },
                |m| Change::new("unit.create", "unit", m.id, format!("登记{}“{}”", kind.label(), m.name)),
            )
            .await?;
        Ok(UnitId(m.id))
    }

    /// Updates an enterprise the caller can see and may write; the USCC never changes.
    pub async fn update_enterprise(self, caller: &Caller, id: UnitId, input: EnterpriseInput) -> Result<()> {
        self.update_unit(caller, id, input, None).await
    }

    /// Updates a unit of any kind; `kind` corrects what kind of unit it is (an enterprise
    /// registered by mistake that is a school), `None` keeps it.
    pub async fn update_unit(
        self,
        caller: &Caller,
        id: UnitId,
        input: EnterpriseInput,
        kind: Option<UnitKind>,
    ) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        let current = self.store.unit_in_scope(caller, id).await?;
        if current.uscc.as_deref() != Some(input.uscc.as_str()) {
            return Err(StoreError::invalid("统一社会信用代码", "登记后不能修改；如确有错误，请注销后重新登记"));
        }
        if current.town_code != input.town.to_string() && !self.may_create_in(caller, &input.town) {
            return Err(StoreError::invalid("所属街镇", format!("{}不在您的管辖范围内", input.town.full_name())));
        }
        if !caller.may(Action::RestructureRegistry) {
            if current.high_tech != input.high_tech || current.srdi != input.srdi {
                return Err(StoreError::invalid(
                    "高新技术企业",
                    "高新、专精特新资质须由街镇管理员确认：请在企业页面“提出变更”",
                ));
            }
            if current.above_scale != input.above_scale {
                return Err(StoreError::invalid("规上企业", "由街镇或区管理员按统计部门名录登记，不能自行修改"));
            }
        }
        let kind = kind.unwrap_or(current.kind);
        self.store
            .recorded(
                caller,
                async |txn| {
                    let park = input.park.as_deref();
                    let park_id = self.park_id_for(txn, caller, park, &input.town, current.is_demo).await?;
                    let mut active = self.active_unit(&input, kind, park_id, current.is_demo);
                    active.id = Set(current.id);
                    active.created_at = Set(current.created_at);
                    if input.contact_phone.is_none() {
                        // An empty phone on the form keeps the stored one: the form never
                        // shows it in full.
                        active.contact_phone_enc = Set(current.contact_phone_enc.clone());
                        active.contact_phone_bidx = Set(current.contact_phone_bidx.clone());
                    }
                    let parks = match current.park_id != park_id {
                        true => {
                            Some((self.park_label(txn, current.park_id).await?, self.park_label(txn, park_id).await?))
                        }
                        false => None,
                    };
                    Ok((active.update(txn).await?, parks))
                },
                |(after, parks)| {
                    let mut changes = UnitChanges::between(
                        &current,
                        &input,
                        parks.clone(),
                        after.contact_phone_bidx != current.contact_phone_bidx,
                    );
                    changes.diff("单位类型", current.kind.label().to_owned(), after.kind.label().to_owned());
                    Change::new("unit.update", "unit", id, format!("修改“{}”：{}", after.name, changes.text()))
                },
            )
            .await?;
        Ok(())
    }
}
