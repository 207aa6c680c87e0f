//! Activity records: the list (scoped, filtered, paged), one activity with its units (each
//! with today's coverage), attendees and raised issues, and recording a new one.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::coverage::CoverageStatus;
use qunlian_domain::registry::UnitKind;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::Activities;
use crate::audit::Change;
use crate::entity::{activity, activity_attendee, activity_issue, activity_unit, member, party_group, party_org, unit};
use crate::scope::town_in;
use crate::{Page, PageRequest, Result, StoreError};

/// What a list of activities is narrowed to; empty is everything in scope.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    /// A cluster's id; 0 for the activities counted for no cluster.
    pub cluster: Option<i64>,
    /// A town or district code.
    pub region: Option<qunlian_domain::RegionCode>,
    pub organiser: Option<Organiser>,
    pub kind: Option<ActivityKind>,
    /// From this day on.
    pub from: Option<NaiveDate>,
    /// Up to this day, included.
    pub to: Option<NaiveDate>,
    /// Those a unit took part in.
    pub unit: Option<i64>,
}

/// An activity as a list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ActivityLine {
    pub id: i64,
    pub kind: ActivityKind,
    pub subject: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub organiser: String,
    pub units: usize,
    pub headcount: i32,
    pub is_demo: bool,
}

/// A unit taking part, with its coverage today.
#[derive(Clone, Debug, Serialize)]
pub struct TakingPart {
    pub id: i64,
    pub name: String,
    pub coverage: CoverageStatus,
}

/// An issue raised at the activity and what it became.
#[derive(Clone, Debug, Serialize)]
pub struct RaisedIssue {
    pub id: i64,
    pub unit: String,
    pub title: String,
    pub target_label: &'static str,
    /// `/listings/ID` or `/services/ID`.
    pub link: String,
}

/// One activity with everything recorded about it.
#[derive(Clone, Debug, Serialize)]
pub struct Activity {
    pub id: i64,
    pub organiser: Organiser,
    pub organiser_name: String,
    pub kind: ActivityKind,
    /// The Party group that held a 党小组会: its id and name.
    pub party_group: Option<(i64, String)>,
    pub subject: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub headcount: i32,
    pub named: bool,
    pub minutes: String,
    pub town_code: Option<String>,
    pub units: Vec<TakingPart>,
    pub attendees: Vec<(i64, String)>,
    pub issues: Vec<RaisedIssue>,
    pub recorded_by: String,
    pub is_demo: bool,
    /// Withdrawn (撤回): the day, who and why; it then counts for nothing.
    pub withdrawn: Option<Withdrawal>,
}

/// When, by whom and why an activity was withdrawn.
#[derive(Clone, Debug, Serialize)]
pub struct Withdrawal {
    pub on: NaiveDate,
    pub by: String,
    pub reason: String,
}

/// A unit the caller may add to an activity, with its coverage today.
pub type UnitChoice = TakingPart;

/// At most this many units and members offered on the form.
pub const CHOICES: u64 = 300;

impl Activities<'_> {
    async fn filtered(self, caller: &Caller, f: &ActivityFilter) -> Result<Condition> {
        let mut cond = self.scope(caller).await?;
        match f.cluster {
            Some(0) => cond = cond.add(activity::Column::ClusterId.is_null()),
            Some(c) => cond = cond.add(activity::Column::ClusterId.eq(c)),
            None => {}
        }
        if let Some(r) = &f.region {
            cond = cond.add(town_in(activity::Column::TownCode, r));
        }
        if let Some(o) = f.organiser {
            cond =
                cond.add(activity::Column::OrganiserKind.eq(o.kind.code())).add(activity::Column::OrganiserId.eq(o.id));
        }
        if let Some(k) = f.kind {
            cond = cond.add(activity::Column::Kind.eq(k.code()));
        }
        if let Some(d) = f.from {
            cond = cond.add(activity::Column::HeldOn.gte(d));
        }
        if let Some(d) = f.to {
            cond = cond.add(activity::Column::HeldOn.lte(d));
        }
        if let Some(u) = f.unit {
            cond = cond.add(
                activity::Column::Id.in_subquery(
                    Query::select()
                        .column(activity_unit::Column::ActivityId)
                        .from(activity_unit::Entity)
                        .and_where(activity_unit::Column::UnitId.eq(u))
                        .to_owned(),
                ),
            );
        }
        Ok(cond)
    }

    /// A page of the activities in the caller's scope, the latest first.
    pub async fn list(self, caller: &Caller, f: &ActivityFilter, page: PageRequest) -> Result<Page<ActivityLine>> {
        let cond = self.filtered(caller, f).await?;
        let q = activity::Entity::find()
            .filter(cond)
            .order_by_desc(activity::Column::HeldOn)
            .order_by_desc(activity::Column::Id);
        let total = q.clone().count(self.store.db()).await?;
        let rows = q.offset(page.offset()).limit(page.per_page).all(self.store.db()).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut units: HashMap<i64, usize> = HashMap::new();
        for (a,) in activity_unit::Entity::find()
            .select_only()
            .column(activity_unit::Column::ActivityId)
            .filter(activity_unit::Column::ActivityId.is_in(ids))
            .into_tuple::<(i64,)>()
            .all(self.store.db())
            .await?
        {
            *units.entry(a).or_default() += 1;
        }
        let keys: Vec<(OrganiserKind, i64)> = rows.iter().map(|r| (r.organiser_kind, r.organiser_id)).collect();
        let names = self.organiser_names(&keys).await?;
        let items = rows
            .into_iter()
            .map(|r| ActivityLine {
                units: units.get(&r.id).copied().unwrap_or(0),
                organiser: names.get(&(r.organiser_kind, r.organiser_id)).cloned().unwrap_or_default(),
                id: r.id,
                kind: r.kind,
                subject: r.subject,
                held_on: r.held_on,
                place: r.place,
                headcount: r.headcount,
                is_demo: r.is_demo,
            })
            .collect();
        Ok(Page { items, total, page: page.page, per_page: page.per_page })
    }

    /// One activity in the caller's scope.
    pub async fn get(self, caller: &Caller, id: i64) -> Result<Activity> {
        let r = self.visible_row(caller, id).await?;
        let db = self.store.db();
        let (unit_ids, member_ids) = self.taking_part(id).await?;
        let names = self.store.unit_names(unit_ids.clone()).await?;
        let statuses = self.store.coverage().statuses_of(unit_ids.clone()).await?;
        let mut units: Vec<TakingPart> = unit_ids
            .iter()
            .map(|u| TakingPart {
                id: *u,
                name: names.get(u).cloned().unwrap_or_default(),
                coverage: statuses.get(u).copied().unwrap_or(CoverageStatus::Uncovered),
            })
            .collect();
        units.sort_by(|a, b| a.name.cmp(&b.name));
        let mut attendees: Vec<(i64, String)> = self
            .store
            .column_by_id::<member::Entity, String>(member::Column::Id, member::Column::Name, member_ids)
            .await?
            .into_iter()
            .collect();
        attendees.sort_by(|a, b| a.1.cmp(&b.1));
        let issues = activity_issue::Entity::find()
            .filter(activity_issue::Column::ActivityId.eq(id))
            .order_by_asc(activity_issue::Column::Id)
            .all(db)
            .await?;
        let issue_units = self.store.unit_names(issues.iter().map(|i| i.unit_id).collect()).await?;
        let issues = issues
            .into_iter()
            .map(|i| RaisedIssue {
                id: i.id,
                unit: issue_units.get(&i.unit_id).cloned().unwrap_or_default(),
                title: i.title,
                target_label: i.target.label(),
                link: match (i.listing_id, i.service_request_id) {
                    (Some(l), _) => format!("/listings/{l}"),
                    (_, Some(s)) => format!("/services/{s}"),
                    _ => String::new(),
                },
            })
            .collect();
        let organiser = Organiser { kind: r.organiser_kind, id: r.organiser_id };
        let organiser_name =
            self.organiser_names(&[(r.organiser_kind, r.organiser_id)]).await?.into_values().next().unwrap_or_default();
        let party_group = match r.party_group_id {
            Some(g) => party_group::Entity::find_by_id(g).one(self.store.db()).await?.map(|p| (p.id, p.name)),
            None => None,
        };
        Ok(Activity {
            id: r.id,
            organiser,
            organiser_name,
            kind: r.kind,
            party_group,
            subject: r.subject,
            held_on: r.held_on,
            place: r.place,
            headcount: r.headcount,
            named: r.named,
            minutes: r.minutes,
            town_code: r.town_code,
            units,
            attendees,
            issues,
            recorded_by: r.recorded_by,
            is_demo: r.is_demo,
            withdrawn: r.withdrawn_on.map(|on| Withdrawal {
                on,
                by: r.withdrawn_by.unwrap_or_default(),
                reason: r.withdrawn_reason.unwrap_or_default(),
            }),
        })
    }

    /// Which enterprises may take part in an organiser's activity: those in the caller's
    /// scope, and those of the organiser's town (a neighbour firm without a branch joins).
    async fn unit_condition(self, caller: &Caller, town: Option<&str>) -> Result<Condition> {
        let mut any = Condition::any().add(self.store.unit_scope(caller).await?);
        if let Some(t) = town {
            any = any.add(unit::Column::TownCode.eq(t));
        }
        Ok(Condition::all().add(unit::Column::Kind.eq(UnitKind::Enterprise.code())).add(any))
    }

    /// The enterprises the caller may add to an activity of its organisers (by name, at most
    /// [`CHOICES`]), each with its coverage today; `q` narrows by name or credit code; those
    /// of `keep` (the units the form already holds) come first, whatever their name.
    pub async fn unit_choices(self, caller: &Caller, q: Option<&str>, keep: &[i64]) -> Result<Vec<UnitChoice>> {
        self.store.require(caller, Action::RecordActivities)?;
        let towns: Vec<String> =
            self.recordable_organisers(caller).await?.into_iter().filter_map(|o| o.town_code).collect();
        let mut any = Condition::any().add(self.store.unit_scope(caller).await?);
        if !towns.is_empty() {
            any = any.add(unit::Column::TownCode.is_in(towns));
        }
        let cond = Condition::all().add(unit::Column::Kind.eq(UnitKind::Enterprise.code())).add(any);
        let units = self.store.unit_choices_keeping(cond, q, CHOICES, keep).await?;
        let statuses = self.store.coverage().statuses_of(units.iter().map(|u| u.0).collect()).await?;
        Ok(units
            .into_iter()
            .map(|(id, name)| TakingPart {
                coverage: statuses.get(&id).copied().unwrap_or(CoverageStatus::Uncovered),
                id,
                name,
            })
            .collect())
    }

    /// The members the caller may name as present (those of its scope) whose name contains
    /// `q`, by name, at most [`CHOICES`]; those of `keep` (the form's ticked ones) first,
    /// whatever their name, so an edit does not drop a member past the first page.
    pub async fn member_choices(self, caller: &Caller, q: Option<&str>, keep: &[i64]) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::RecordActivities)?;
        let q = crate::shared::search_text(q)?;
        let keep = crate::scope::kept_ids(keep);
        let kept =
            if keep.is_empty() { Vec::new() } else { self.members_in_scope(caller, Some(keep.to_vec()), None).await? };
        Ok(crate::scope::kept_first(kept, self.members_in_scope(caller, None, q).await?))
    }

    /// Records an activity: the organiser, each unit and each named member must be the
    /// caller's to name; the day not after today. Audited with what was recorded.
    pub async fn record(self, caller: &Caller, f: ActivityFields, demo: bool) -> Result<i64> {
        let (o, named) = self.checked(caller, &f).await?;
        let now = self.store.now();
        let row = activity::ActiveModel {
            recorded_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let line = described(&o.name, &f);
        let saved =
            self.save(caller, row, &f, &o, &named, |m| Change::new("activity.create", "activity", m.id, line)).await?;
        Ok(saved.id)
    }

    /// Writes the form's fields to an activity's row — a new one, or an old one whose units
    /// and named members are replaced — with its units, named members and the audit line
    /// `change` gives, in one transaction.
    pub(super) async fn save(
        self,
        caller: &Caller,
        mut m: activity::ActiveModel,
        f: &ActivityFields,
        o: &super::OrganiserChoice,
        named: &[i64],
        change: impl FnOnce(&activity::Model) -> Change,
    ) -> Result<activity::Model> {
        m.organiser_kind = Set(f.organiser.kind);
        m.organiser_id = Set(f.organiser.id);
        m.cluster_id = Set(o.cluster_id);
        m.town_code = Set(o.town_code.clone());
        m.kind = Set(f.kind);
        m.subject = Set(f.subject.clone());
        m.held_on = Set(f.held_on);
        m.place = Set(f.place.clone());
        m.headcount = Set(f.attendance.count() as i32);
        m.named = Set(!named.is_empty());
        m.minutes = Set(f.minutes.clone());
        m.party_group_id = Set(f.party_group);
        let new = m.id.is_not_set();
        self.store
            .recorded(
                caller,
                async |txn| {
                    let saved = if new { m.insert(txn).await? } else { m.update(txn).await? };
                    if !new {
                        activity_unit::Entity::delete_many()
                            .filter(activity_unit::Column::ActivityId.eq(saved.id))
                            .exec(txn)
                            .await?;
                        activity_attendee::Entity::delete_many()
                            .filter(activity_attendee::Column::ActivityId.eq(saved.id))
                            .exec(txn)
                            .await?;
                    }
                    Self::put_taking_part(txn, saved.id, &f.units, named).await?;
                    Ok(saved)
                },
                change,
            )
            .await
    }

    /// The units taking part in an activity and its named members, by id. Not a scope check.
    pub(super) async fn taking_part(self, id: i64) -> Result<(Vec<i64>, Vec<i64>)> {
        let db = self.store.db();
        let units: Vec<i64> = activity_unit::Entity::find()
            .select_only()
            .column(activity_unit::Column::UnitId)
            .filter(activity_unit::Column::ActivityId.eq(id))
            .into_tuple()
            .all(db)
            .await?;
        let members: Vec<i64> = activity_attendee::Entity::find()
            .select_only()
            .column(activity_attendee::Column::MemberId)
            .filter(activity_attendee::Column::ActivityId.eq(id))
            .into_tuple()
            .all(db)
            .await?;
        Ok((units, members))
    }

    /// The units and named members of an activity, written after it (or after its old ones
    /// were removed).
    async fn put_taking_part(txn: &sea_orm::DatabaseTransaction, id: i64, units: &[i64], named: &[i64]) -> Result<()> {
        let units: Vec<activity_unit::ActiveModel> = units
            .iter()
            .map(|u| activity_unit::ActiveModel { activity_id: Set(id), unit_id: Set(*u), ..Default::default() })
            .collect();
        if !units.is_empty() {
            activity_unit::Entity::insert_many(units).exec_without_returning(txn).await?;
        }
        let people: Vec<activity_attendee::ActiveModel> = named
            .iter()
            .map(|m| activity_attendee::ActiveModel { activity_id: Set(id), member_id: Set(*m), ..Default::default() })
            .collect();
        if !people.is_empty() {
            activity_attendee::Entity::insert_many(people).exec_without_returning(txn).await?;
        }
        Ok(())
    }

    /// What recording (or editing to) these fields needs: the organiser, each unit and each
    /// named member the caller's to name, the day not after today. The organiser as the
    /// caller may record for it, and the named members.
    pub(super) async fn checked(
        self,
        caller: &Caller,
        f: &ActivityFields,
    ) -> Result<(super::OrganiserChoice, Vec<i64>)> {
        self.store.require(caller, Action::RecordActivities)?;
        if f.held_on > self.store.today() {
            return Err(StoreError::invalid("活动日期", "不能晚于今天（活动举办后再记录）"));
        }
        let o = self.store.activities().organiser(caller, f.organiser).await?;
        self.check_party_group(f, &o.name).await?;
        let db = self.store.db();
        let allowed: Vec<i64> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .filter(self.unit_condition(caller, o.town_code.as_deref()).await?)
            .filter(unit::Column::Id.is_in(f.units.clone()))
            .into_tuple()
            .all(db)
            .await?;
        if let Some(u) = f.units.iter().find(|u| !allowed.contains(u)) {
            return Err(StoreError::invalid(
                "参加单位",
                format!("编号 {u} 不是可选的企业（本人范围内或组织方所在街镇的企业）"),
            ));
        }
        let named = match &f.attendance {
            Attendance::Named(m) => m.clone(),
            Attendance::Headcount(_) => Vec::new(),
        };
        if !named.is_empty() {
            let members = self.members_in_scope(caller, Some(named.clone()), None).await?;
            if let Some(m) = named.iter().find(|m| !members.iter().any(|(id, _)| id == *m)) {
                return Err(StoreError::invalid("参加党员", format!("编号 {m} 不在您的党员名册范围内")));
            }
        }
        Ok((o, named))
    }

    /// The Party groups of the branches the caller may record for, as the form offers them:
    /// (id, "组名（支部名）"), by branch and name.
    pub async fn party_group_choices(self, caller: &Caller) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::RecordActivities)?;
        let orgs = Query::select()
            .column(party_org::Column::Id)
            .from(party_org::Entity)
            .cond_where(self.store.org_scope(caller).await?)
            .to_owned();
        let groups: Vec<(i64, i64, String)> = party_group::Entity::find()
            .select_only()
            .column(party_group::Column::Id)
            .column(party_group::Column::PartyOrgId)
            .column(party_group::Column::Name)
            .filter(party_group::Column::PartyOrgId.in_subquery(orgs))
            .order_by_asc(party_group::Column::PartyOrgId)
            .order_by_asc(party_group::Column::Name)
            .limit(CHOICES)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let names = self.store.org_names(groups.iter().map(|g| g.1).collect()).await?;
        Ok(groups
            .into_iter()
            .map(|(id, org, name)| (id, format!("{name}（{}）", names.get(&org).map(String::as_str).unwrap_or(""))))
            .collect())
    }

    /// A 党小组会 names one of the organising branch's Party groups (党小组); a branch
    /// without groups is told to set them up first, on its page.
    async fn check_party_group(self, f: &ActivityFields, organiser: &str) -> Result<()> {
        if f.kind != ActivityKind::GroupMeeting {
            return Ok(());
        }
        if f.organiser.kind != OrganiserKind::Org {
            return Err(StoreError::invalid("活动类型", "党小组会由党支部的党小组召开，组织方请选择党支部"));
        }
        let groups: Vec<i64> = party_group::Entity::find()
            .select_only()
            .column(party_group::Column::Id)
            .filter(party_group::Column::PartyOrgId.eq(f.organiser.id))
            .into_tuple()
            .all(self.store.db())
            .await?;
        match f.party_group {
            _ if groups.is_empty() => Err(StoreError::invalid(
                "党小组",
                format!("{organiser}尚未设立党小组，请先在该党组织页面设立党小组，再记录党小组会"),
            )),
            None => Err(StoreError::invalid("党小组", "请选择召开本次党小组会的党小组")),
            Some(g) if !groups.contains(&g) => {
                Err(StoreError::invalid("党小组", format!("编号 {g} 不是{organiser}的党小组")))
            }
            Some(_) => Ok(()),
        }
    }

    /// Members of the caller's scope (of `ids` when given), by name.
    async fn members_in_scope(
        self,
        caller: &Caller,
        ids: Option<Vec<i64>>,
        q: Option<&str>,
    ) -> Result<Vec<(i64, String)>> {
        let orgs = Query::select()
            .column(party_org::Column::Id)
            .from(party_org::Entity)
            .cond_where(self.store.org_scope(caller).await?)
            .to_owned();
        let mut cond = Condition::all().add(member::Column::PartyOrgId.in_subquery(orgs));
        // The form's first page stops at CHOICES; named ones are looked up whole (the
        // domain already bounds how many a form may name).
        let limit = if ids.is_some() { None } else { Some(CHOICES) };
        if let Some(ids) = ids {
            cond = cond.add(member::Column::Id.is_in(ids));
        }
        if let Some(q) = q {
            cond = cond.add(member::Column::Name.contains(q));
        }
        Ok(member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Name)
            .filter(cond)
            .order_by_asc(member::Column::Name)
            .limit(limit)
            .into_tuple()
            .all(self.store.db())
            .await?)
    }
}

/// An activity as the audit line says it.
pub(super) fn described(organiser: &str, f: &ActivityFields) -> String {
    format!(
        "{}：{}“{}”（{}，{}），{}家单位参加，{}人次",
        organiser,
        f.kind.label(),
        f.subject,
        f.held_on,
        f.place,
        f.units.len(),
        f.attendance.count()
    )
}
