//! Member records: the list and one member (masked), adding and editing, and the reveal.

use chrono::NaiveDate;
use qunlian_domain::IdNumber;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::people::{Education, Gender, MemberCategory, MemberFields, OrgRef, RevealReason, Standing};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::People;
use crate::audit::Change;
use crate::entity::{member, party_org, unit};
use crate::{Page, PageRequest, Result, StoreError};

/// A member as every screen, export and the API show one: the ID number and phone masked.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    /// 310117********123X; the full number only through [`People::reveal`].
    pub id_number: Option<String>,
    /// 138****5678.
    pub phone: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub education: Option<Education>,
    pub category: MemberCategory,
    pub joined_on: NaiveDate,
    pub standing: Standing,
    pub org_id: i64,
    pub org_name: String,
    pub work_unit_id: Option<i64>,
    pub work_unit_name: Option<String>,
    pub is_demo: bool,
}

/// What a member list is narrowed to; empty is everything in scope.
#[derive(Clone, Debug, Default)]
pub struct MemberFilter {
    /// An organisation and its sub-organisations.
    pub org: Option<i64>,
    pub category: Option<MemberCategory>,
    pub standing: Option<Standing>,
    /// Part of the name.
    pub q: Option<String>,
}

/// A member's ID number and phone in full, after a reveal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revealed {
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

/// At most this many members in one export.
pub const EXPORT_ROWS: u64 = 100_000;

/// What cannot be decrypted is shown as such, never as a guess.
const UNREADABLE: &str = "（无法解密）";

impl People<'_> {
    pub(super) fn masked_id(&self, enc: Option<&str>) -> Option<String> {
        enc.map(|e| match self.store.crypto().decrypt(e) {
            Ok(plain) => IdNumber::parse(&plain).map(|id| id.masked()).unwrap_or_else(|_| "****".to_owned()),
            Err(_) => UNREADABLE.to_owned(),
        })
    }

    fn masked_phone(&self, enc: Option<&str>) -> Option<String> {
        enc.map(|e| match self.store.crypto().decrypt(e) {
            Ok(plain) => crate::shared::mask_phone(&plain),
            Err(_) => UNREADABLE.to_owned(),
        })
    }

    async fn masked_members(&self, rows: Vec<member::Model>) -> Result<Vec<Member>> {
        let orgs = self.store.org_names(rows.iter().map(|r| r.party_org_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|m| Member {
                id: m.id,
                id_number: self.masked_id(m.id_number_enc.as_deref()),
                phone: self.masked_phone(m.phone_enc.as_deref()),
                name: m.name,
                gender: m.gender,
                birth_date: m.birth_date,
                education: m.education,
                category: m.category,
                joined_on: m.joined_on,
                standing: m.standing,
                org_name: orgs.get(&m.party_org_id).cloned().unwrap_or_default(),
                org_id: m.party_org_id,
                work_unit_id: m.work_unit_id,
                work_unit_name: m.work_unit_name,
                is_demo: m.is_demo,
            })
            .collect())
    }

    async fn filtered(&self, caller: &Caller, filter: &MemberFilter) -> Result<Condition> {
        let mut cond = self.member_scope(caller).await?;
        if let Some(org) = filter.org {
            cond = cond.add(member::Column::PartyOrgId.is_in(self.store.org_subtree(org).await?));
        }
        if let Some(c) = filter.category {
            cond = cond.add(member::Column::Category.eq(c.code()));
        }
        if let Some(s) = filter.standing {
            cond = cond.add(member::Column::Standing.eq(s.code()));
        }
        if let Some(q) = crate::shared::search_text(filter.q.as_deref())? {
            cond = cond.add(member::Column::Name.contains(q));
        }
        Ok(cond)
    }

    /// A page of the members in the caller's scope, by organisation and name, masked.
    pub async fn members(&self, caller: &Caller, filter: &MemberFilter, page: PageRequest) -> Result<Page<Member>> {
        let cond = self.filtered(caller, filter).await?;
        let query = member::Entity::find()
            .filter(cond)
            .order_by_asc(member::Column::PartyOrgId)
            .order_by_asc(member::Column::Name)
            .order_by_asc(member::Column::Id);
        let total = query.clone().count(self.store.db()).await?;
        let rows = query.offset(page.offset()).limit(page.per_page).all(self.store.db()).await?;
        Ok(Page { items: self.masked_members(rows).await?, total, page: page.page, per_page: page.per_page })
    }

    /// Every member of the filter, masked, for a download (at most [`EXPORT_ROWS`]); the
    /// export is audited with its count.
    pub async fn export(&self, caller: &Caller, filter: &MemberFilter) -> Result<Vec<Member>> {
        let cond = self.filtered(caller, filter).await?;
        let rows = member::Entity::find()
            .filter(cond)
            .order_by_asc(member::Column::PartyOrgId)
            .order_by_asc(member::Column::Name)
            .order_by_asc(member::Column::Id)
            .limit(EXPORT_ROWS)
            .all(self.store.db())
            .await?;
        let members = self.masked_members(rows).await?;
        self.store
            .audit()
            .record(caller, "member.export", "member", None, format!("导出党员名册{}条（已脱敏）", members.len()))
            .await?;
        Ok(members)
    }

    pub async fn member(&self, caller: &Caller, id: i64) -> Result<Member> {
        let m = self.member_in_scope(caller, id).await?;
        Ok(self.masked_members(vec![m]).await?.remove(0))
    }

    /// The organisations the caller may hold members in: in scope and not dissolved.
    pub async fn org_choices(&self, caller: &Caller) -> Result<Vec<(i64, String)>> {
        self.store.org_choices(caller, Action::ReadMembers, None).await
    }

    /// The organisation a record names, inside the caller's scope and not dissolved.
    pub(super) async fn resolve_org(&self, caller: &Caller, org: &OrgRef) -> Result<party_org::Model> {
        let mut cond = Condition::all().add(self.store.org_scope(caller).await?);
        cond = match org {
            OrgRef::Id(id) => cond.add(party_org::Column::Id.eq(*id)),
            OrgRef::Name(name) => cond.add(party_org::Column::Name.eq(name.as_str())),
        };
        let found = party_org::Entity::find().filter(cond).limit(2).all(self.store.db()).await?;
        match found.as_slice() {
            [] => Err(StoreError::invalid("所属党组织", "不存在，或不在您的权限范围内")),
            [_, _] => Err(StoreError::invalid("所属党组织", "有多个同名组织，请从列表中选择")),
            [o] if o.dissolved_on.is_some() => Err(StoreError::invalid("所属党组织", format!("“{}”已撤销", o.name))),
            [o] => Ok(o.clone()),
            _ => Err(StoreError::NotFound),
        }
    }

    /// The registry's unit of that exact name, when there is one.
    pub(super) async fn work_unit_id(&self, name: Option<&str>) -> Result<Option<i64>> {
        match name {
            None => Ok(None),
            Some(n) => Ok(unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .filter(unit::Column::Name.eq(n))
                .into_tuple()
                .one(self.store.db())
                .await?),
        }
    }

    fn check_dates(&self, f: &MemberFields) -> Result<()> {
        if f.joined_on > self.store.today() {
            return Err(StoreError::invalid("入党日期", format!("{} 晚于今天", f.joined_on)));
        }
        Ok(())
    }

    /// Refuses an ID number another record holds (`except` is the record being edited).
    pub(super) async fn refuse_duplicate(&self, caller: &Caller, bidx: &str, except: Option<i64>) -> Result<()> {
        let mut q = member::Entity::find().filter(member::Column::IdNumberBidx.eq(bidx));
        if let Some(id) = except {
            q = q.filter(member::Column::Id.ne(id));
        }
        let Some(other) = q.one(self.store.db()).await? else { return Ok(()) };
        let visible = self.member_in_scope(caller, other.id).await.is_ok();
        Err(StoreError::invalid(
            "身份证号码",
            if visible {
                format!("已登记为党员“{}”（编号 {}），请勿重复登记", other.name, other.id)
            } else {
                "该党员已在其他党组织登记，如需转入请办理组织关系转接".to_owned()
            },
        ))
    }

    /// A new member's row: the ID number and phone encrypted beside their blind indexes.
    pub(super) fn new_row(
        &self,
        f: &MemberFields,
        org: i64,
        work_unit_id: Option<i64>,
        is_demo: bool,
    ) -> member::ActiveModel {
        let crypto = self.store.crypto();
        let now = self.store.now();
        let mut a = member::ActiveModel {
            id_number_enc: Set(f.id_number.as_ref().map(|id| crypto.encrypt(id.as_str()))),
            id_number_bidx: Set(f.id_number.as_ref().map(|id| crypto.blind_index(id.as_str()))),
            phone_enc: Set(None),
            phone_bidx: Set(None),
            gender: Set(f.gender),
            birth_date: Set(f.birth_date),
            is_demo: Set(is_demo),
            created_at: Set(now),
            ..Default::default()
        };
        self.set_phone(&mut a, f);
        self.set_fields(&mut a, f, org, work_unit_id);
        a
    }

    /// Inserts a new member's row on a transaction with its `member.create` audit line.
    pub(super) async fn insert_member_on(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        caller: &Caller,
        row: member::ActiveModel,
        detail: impl FnOnce(&member::Model) -> String,
    ) -> Result<member::Model> {
        let saved = row.insert(txn).await?;
        self.store
            .audit()
            .record_on(txn, caller, "member.create", "member", Some(saved.id.to_string()), detail(&saved))
            .await?;
        Ok(saved)
    }

    /// The phone given, encrypted beside its blind index; none given keeps what the row has.
    pub(super) fn set_phone(&self, a: &mut member::ActiveModel, f: &MemberFields) {
        if let Some(p) = &f.phone {
            let crypto = self.store.crypto();
            a.phone_enc = Set(Some(crypto.encrypt(p.as_str())));
            a.phone_bidx = Set(Some(crypto.blind_index(p.as_str())));
        }
    }

    /// The fields a form or a roster row sets, but the numbers, the gender and the birth date.
    pub(super) fn set_fields(
        &self,
        a: &mut member::ActiveModel,
        f: &MemberFields,
        org: i64,
        work_unit_id: Option<i64>,
    ) {
        a.name = Set(f.name.clone());
        a.education = Set(f.education);
        a.category = Set(f.category);
        a.joined_on = Set(f.joined_on);
        a.standing = Set(f.standing);
        a.party_org_id = Set(org);
        a.work_unit_id = Set(work_unit_id);
        a.work_unit_name = Set(f.work_unit.clone());
        a.updated_at = Set(self.store.now());
    }

    /// Adds a member to an organisation in the caller's scope; audited.
    pub async fn create(&self, caller: &Caller, f: MemberFields, is_demo: bool) -> Result<i64> {
        self.store.require(caller, Action::WriteMembers)?;
        self.check_dates(&f)?;
        let org = self.resolve_org(caller, &f.org).await?;
        let crypto = self.store.crypto();
        let bidx = f.id_number.as_ref().map(|id| crypto.blind_index(id.as_str()));
        if let Some(b) = &bidx {
            self.refuse_duplicate(caller, b, None).await?;
        }
        let work_unit_id = self.work_unit_id(f.work_unit.as_deref()).await?;
        let row = self.new_row(&f, org.id, work_unit_id, is_demo);
        let saved = self
            .store
            .insert_recorded(caller, row, |m| {
                Change::new(
                    "member.create",
                    "member",
                    m.id,
                    format!("登记党员“{}”（{}，{}）", m.name, org.name, m.standing.label()),
                )
            })
            .await?;
        Ok(saved.id)
    }

    /// Edits a member in the caller's scope; an empty ID number or phone keeps the stored one
    /// (the form never shows them in full). Audited with each changed field, the ID number and
    /// phone only as 已更改.
    pub async fn update(&self, caller: &Caller, id: i64, f: MemberFields) -> Result<()> {
        self.store.require(caller, Action::WriteMembers)?;
        let current = self.member_in_scope(caller, id).await?;
        self.check_dates(&f)?;
        let org = self.resolve_org(caller, &f.org).await?;
        let crypto = self.store.crypto();
        let mut a: member::ActiveModel = current.clone().into();
        let mut changes = Vec::new();
        if let Some(idn) = &f.id_number {
            let bidx = crypto.blind_index(idn.as_str());
            if current.id_number_bidx.as_deref() != Some(bidx.as_str()) {
                self.refuse_duplicate(caller, &bidx, Some(id)).await?;
                a.id_number_enc = Set(Some(crypto.encrypt(idn.as_str())));
                a.id_number_bidx = Set(Some(bidx));
                changes.push("身份证号码：已更改".to_owned());
            }
        }
        if let Some(p) = &f.phone
            && current.phone_bidx.as_deref() != Some(crypto.blind_index(p.as_str()).as_str())
        {
            self.set_phone(&mut a, &f);
            changes.push("联系电话：已更改".to_owned());
        }
        let mut set = |label: &str, differs: bool, now: String| {
            if differs {
                changes.push(format!("{label}：{now}"));
            }
        };
        let gender = f.gender.or(current.gender);
        let birth = f.birth_date.or(current.birth_date);
        let label = |v: Option<&'static str>| v.unwrap_or("（空）").to_owned();
        set("姓名", current.name != f.name, f.name.clone());
        set("性别", current.gender != gender, label(gender.map(|g| g.label())));
        set("出生日期", current.birth_date != birth, birth.map(|d| d.to_string()).unwrap_or_default());
        set("学历", current.education != f.education, label(f.education.map(|e| e.label())));
        set("人员类别", current.category != f.category, f.category.label().to_owned());
        set("入党日期", current.joined_on != f.joined_on, f.joined_on.to_string());
        set("党员类别", current.standing != f.standing, f.standing.label().to_owned());
        set("所属党组织", current.party_org_id != org.id, org.name.clone());
        set("工作单位", current.work_unit_name != f.work_unit, f.work_unit.clone().unwrap_or_default());
        a.gender = Set(gender);
        a.birth_date = Set(birth);
        let work_unit_id = self.work_unit_id(f.work_unit.as_deref()).await?;
        self.set_fields(&mut a, &f, org.id, work_unit_id);
        let detail = if changes.is_empty() { "无变化".to_owned() } else { changes.join("；") };
        self.store
            .update_recorded(caller, a, "member.update", ("member", id), format!("修改党员“{}”：{detail}", f.name))
            .await?;
        Ok(())
    }

    /// The member's ID number and phone in full, for a role that may reveal personal data,
    /// with the reason written; the audit log keeps who, whom and why.
    pub async fn reveal(&self, caller: &Caller, id: i64, reason: &RevealReason) -> Result<Revealed> {
        self.store.require(caller, Action::RevealPersonal)?;
        let m = self.member_in_scope(caller, id).await?;
        let crypto = self.store.crypto();
        let open = |enc: Option<&str>| enc.map(|e| crypto.decrypt(e)).transpose();
        let revealed = Revealed { id_number: open(m.id_number_enc.as_deref())?, phone: open(m.phone_enc.as_deref())? };
        self.store
            .audit()
            .record(
                caller,
                "personal.read",
                "member",
                Some(id.to_string()),
                format!("查看党员“{}”的身份证号码和联系电话，原因：{}", m.name, reason.as_str()),
            )
            .await?;
        Ok(revealed)
    }
}
