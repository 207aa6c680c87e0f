//! Development (发展党员): a person entering the pipeline with the application, each step
//! recorded once with its date, who recorded it and the documents, under the edition of the
//! steps the person's record keeps; the time rules checked before a step is saved; the
//! people of an organisation by stage with what is due next. At step 17 (上级党委审批) the
//! person becomes a 预备党员 and a member record is made (入党日期: the branch meeting of step
//! 15, from which probation counts); at step 24 that member becomes 正式党员.

use chrono::NaiveDate;
use qunlian_domain::IdNumber;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::fields::FieldErrors;
use qunlian_domain::people::development::{self, Pipeline, Stage, Step};
use qunlian_domain::people::{
    ApplicantFields, Gender, MemberCategory, MemberFields, OrgRef, Standing, StepFields, progress_key,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use super::People;
use crate::audit::Change;
use crate::entity::{development_person, development_step, member};
use crate::{Result, StoreError};

/// At most this many people in one list.
pub const DEVELOPMENT_ROWS: u64 = 2_000;

/// A step as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct StepRecord {
    pub step: u8,
    pub name: &'static str,
    pub filing: bool,
    pub done_on: NaiveDate,
    pub actor: String,
    pub doc_name: String,
    pub doc_number: String,
    pub note: String,
    pub pipeline_version: String,
}

/// The next step of a person and when it may be recorded.
#[derive(Clone, Debug)]
pub struct Due {
    pub step: &'static Step,
    /// Not before this date (the last step's, or a rule's such as a year as 积极分子).
    pub earliest: Option<NaiveDate>,
    /// Not after this date (e.g. the talk within a month).
    pub latest: Option<NaiveDate>,
    /// It may be recorded today.
    pub open: bool,
    /// Its latest date has passed.
    pub overdue: bool,
}

/// A person in the pipeline with the steps recorded and what is due next.
#[derive(Clone, Debug)]
pub struct DevPerson {
    pub id: i64,
    pub name: String,
    pub category: MemberCategory,
    pub org_id: i64,
    pub org_name: String,
    pub work_unit_name: Option<String>,
    pub pipeline_version: String,
    pub pipeline_title: &'static str,
    pub stage: Stage,
    pub member_id: Option<i64>,
    /// 310117********123X, or none yet; in full only through [`People::reveal_applicant`].
    pub id_number: Option<String>,
    pub is_demo: bool,
    pub steps: Vec<StepRecord>,
    pub next: Option<Due>,
}

/// The edition a record names; one no longer known is an error naming it.
fn edition(version: &str) -> Result<&'static Pipeline> {
    development::pipeline(version)
        .ok_or_else(|| StoreError::invalid("发展步骤", format!("版本“{version}”不在本系统的发展党员细则中")))
}

pub(super) fn refused(key: &'static str, message: String) -> StoreError {
    let mut e = FieldErrors::new();
    e.push(key, message);
    StoreError::Fields(e)
}

impl People<'_> {
    /// The people in the pipeline the caller may see: their organisation in its scope.
    async fn development_scope(&self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadMembers)?;
        Ok(Condition::all().add(development_person::Column::PartyOrgId.in_subquery(self.orgs_in_scope(caller).await?)))
    }

    pub(super) async fn person_in_scope(&self, caller: &Caller, id: i64) -> Result<development_person::Model> {
        let cond = self.development_scope(caller).await?.add(development_person::Column::Id.eq(id));
        development_person::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    async fn steps_of(&self, ids: Vec<i64>) -> Result<Vec<development_step::Model>> {
        Ok(development_step::Entity::find()
            .filter(development_step::Column::PersonId.is_in(ids))
            .order_by_asc(development_step::Column::PersonId)
            .order_by_asc(development_step::Column::Step)
            .all(self.store.db())
            .await?)
    }

    async fn dev_people(&self, rows: Vec<development_person::Model>) -> Result<Vec<DevPerson>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let orgs = self.store.org_names(rows.iter().map(|r| r.party_org_id).collect()).await?;
        let mut steps = self.steps_of(ids).await?;
        let today = self.store.today();
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            let pipeline = edition(&p.pipeline_version)?;
            let mine: Vec<development_step::Model> = {
                let (m, rest) = steps.into_iter().partition(|s| s.person_id == p.id);
                steps = rest;
                m
            };
            let done: Vec<(u8, NaiveDate)> =
                mine.iter().map(|s| (u8::try_from(s.step).unwrap_or(u8::MAX), s.done_on)).collect();
            let next = pipeline.next(&done).map(|step| {
                let w = pipeline.window(&done, step.number);
                Due {
                    step,
                    earliest: w.earliest,
                    latest: w.latest,
                    open: w.earliest.is_none_or(|e| e <= today),
                    overdue: w.latest.is_some_and(|l| l < today),
                }
            });
            let steps = mine
                .into_iter()
                .map(|s| {
                    let def = u8::try_from(s.step).ok().and_then(|n| pipeline.step(n));
                    StepRecord {
                        step: u8::try_from(s.step).unwrap_or(u8::MAX),
                        name: def.map_or("（未知步骤）", |d| d.name),
                        filing: def.is_some_and(|d| d.filing),
                        done_on: s.done_on,
                        actor: s.actor,
                        doc_name: s.doc_name,
                        doc_number: s.doc_number,
                        note: s.note,
                        pipeline_version: s.pipeline_version,
                    }
                })
                .collect();
            out.push(DevPerson {
                id: p.id,
                name: p.name,
                category: p.category,
                org_name: orgs.get(&p.party_org_id).cloned().unwrap_or_default(),
                org_id: p.party_org_id,
                work_unit_name: p.work_unit_name,
                pipeline_title: pipeline.title,
                pipeline_version: p.pipeline_version,
                stage: p.stage,
                member_id: p.member_id,
                id_number: self.masked_id(p.id_number_enc.as_deref()),
                is_demo: p.is_demo,
                steps,
                next,
            });
        }
        Ok(out)
    }

    /// The people in the pipeline of an organisation and its sub-organisations (or of the
    /// whole scope), by stage and name, each with what is due next; at most
    /// [`DEVELOPMENT_ROWS`].
    pub async fn development(&self, caller: &Caller, org: Option<i64>) -> Result<Vec<DevPerson>> {
        let mut cond = self.development_scope(caller).await?;
        if let Some(org) = org {
            cond = cond.add(development_person::Column::PartyOrgId.is_in(self.store.org_subtree(org).await?));
        }
        let rows = development_person::Entity::find()
            .filter(cond)
            .order_by_asc(development_person::Column::Name)
            .order_by_asc(development_person::Column::Id)
            .limit(DEVELOPMENT_ROWS)
            .all(self.store.db())
            .await?;
        self.dev_people(rows).await
    }

    pub async fn development_person(&self, caller: &Caller, id: i64) -> Result<DevPerson> {
        let p = self.person_in_scope(caller, id).await?;
        Ok(self.dev_people(vec![p]).await?.remove(0))
    }

    fn not_after_today(&self, on: NaiveDate) -> Result<()> {
        if on > self.store.today() {
            return Err(refused(progress_key::DONE_ON, format!("日期：{on} 晚于今天，只能记录已完成的步骤")));
        }
        Ok(())
    }

    /// A person enters the pipeline with the application (step 1), in an organisation of the
    /// caller's scope, under the current edition of the steps; audited.
    pub async fn enter(&self, caller: &Caller, f: ApplicantFields, is_demo: bool) -> Result<i64> {
        self.store.require(caller, Action::WriteMembers)?;
        self.not_after_today(f.applied_on)?;
        let org = self.resolve_org(caller, &f.org).await?;
        let id_number = self.applicant_number(caller, f.id_number.as_ref(), None).await?;
        let pipeline = development::current();
        let now = self.store.now();
        let row = development_person::ActiveModel {
            name: Set(f.name.clone()),
            category: Set(f.category),
            party_org_id: Set(org.id),
            work_unit_name: Set(f.work_unit.clone()),
            pipeline_version: Set(pipeline.version.to_owned()),
            stage: Set(Stage::Applicant),
            member_id: Set(None),
            id_number_enc: Set(id_number.as_ref().map(|n| n.0.clone())),
            id_number_bidx: Set(id_number.map(|n| n.1)),
            is_demo: Set(is_demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let first = StepFields {
            step: &pipeline.steps[0],
            done_on: f.applied_on,
            doc_name: if f.doc_name.is_empty() { "入党申请书".to_owned() } else { f.doc_name },
            doc_number: f.doc_number,
            note: String::new(),
        };
        let saved = self
            .store
            .insert_recorded_with(
                caller,
                row,
                async |txn, saved| self.insert_step(txn, caller, saved, &first, is_demo).await,
                |saved| {
                    let line =
                        format!("“{}”向{}递交入党申请书（{}），列入发展党员工作", saved.name, org.name, f.applied_on);
                    Change::new("development.create", "development_person", saved.id, line)
                },
            )
            .await?;
        Ok(saved.id)
    }

    async fn insert_step(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        caller: &Caller,
        person: &development_person::Model,
        f: &StepFields,
        is_demo: bool,
    ) -> Result<()> {
        development_step::ActiveModel {
            person_id: Set(person.id),
            pipeline_version: Set(person.pipeline_version.clone()),
            step: Set(i32::from(f.step.number)),
            done_on: Set(f.done_on),
            actor_user_id: Set((caller.user_id.0 != 0).then_some(caller.user_id.0)),
            actor: Set(caller.username.clone()),
            doc_name: Set(f.doc_name.clone()),
            doc_number: Set(f.doc_number.clone()),
            note: Set(f.note.clone()),
            is_demo: Set(is_demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok(())
    }

    /// Records the next step of a person in the caller's scope, once its time rules are kept
    /// (`Pipeline::check`: a refusal names the rule and the earliest or latest date). With
    /// step 17 the member record is made, with step 24 it becomes 正式党员. Audited.
    pub async fn record_step(&self, caller: &Caller, id: i64, f: StepFields, is_demo: bool) -> Result<()> {
        self.store.require(caller, Action::WriteMembers)?;
        let person = self.person_in_scope(caller, id).await?;
        let pipeline = edition(&person.pipeline_version)?;
        self.not_after_today(f.done_on)?;
        let done: Vec<(u8, NaiveDate)> = self
            .steps_of(vec![id])
            .await?
            .iter()
            .map(|s| (u8::try_from(s.step).unwrap_or(u8::MAX), s.done_on))
            .collect();
        pipeline.check(&done, f.step.number, f.done_on).map_err(|e| refused(progress_key::DONE_ON, e))?;
        let id_number = self.id_number_for_step(caller, &person, f.step).await?;
        let mut with = done.clone();
        with.push((f.step.number, f.done_on));
        let stage = pipeline.stage(&with);
        let txn = self.store.db().begin().await?;
        self.insert_step(&txn, caller, &person, &f, is_demo).await?;
        let mut member_id = person.member_id;
        if f.step.reaches == Some(Stage::Probationary) && member_id.is_none() {
            // Probation counts from the branch meeting (step 15).
            let joined_on = done.iter().filter(|(n, _)| *n == 15).map(|(_, on)| *on).max().unwrap_or(f.done_on);
            let fields = MemberFields {
                name: person.name.clone(),
                gender: id_number.as_ref().map(|id| if id.is_male() { Gender::Male } else { Gender::Female }),
                birth_date: id_number.as_ref().map(IdNumber::birth_date),
                id_number,
                phone: None,
                education: None,
                category: person.category,
                joined_on,
                standing: Standing::Probationary,
                org: OrgRef::Id(person.party_org_id),
                work_unit: person.work_unit_name.clone(),
            };
            let work_unit_id = self.work_unit_id(fields.work_unit.as_deref()).await?;
            let row = self.new_row(&fields, person.party_org_id, work_unit_id, is_demo || person.is_demo);
            let m = self
                .insert_member_on(&txn, caller, row, |m| {
                    format!("登记党员“{}”（预备党员，入党日期 {joined_on}，经发展党员第17步）", m.name)
                })
                .await?;
            member_id = Some(m.id);
        }
        if f.step.reaches == Some(Stage::Full)
            && let Some(mid) = member_id
            && let Some(m) = member::Entity::find_by_id(mid).one(&txn).await?
        {
            let mut a: member::ActiveModel = m.into();
            a.standing = Set(Standing::Full);
            a.updated_at = Set(self.store.now());
            a.update(&txn).await?;
            self.store
                .audit()
                .record_on(
                    &txn,
                    caller,
                    "member.update",
                    "member",
                    Some(mid.to_string()),
                    "党员类别：正式党员（预备党员转正）",
                )
                .await?;
        }
        let mut a: development_person::ActiveModel = person.clone().into();
        a.stage = Set(stage);
        a.member_id = Set(member_id);
        a.updated_at = Set(self.store.now());
        a.update(&txn).await?;
        let docs =
            [f.doc_name.as_str(), f.doc_number.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
        self.store
            .audit()
            .record_on(
                &txn,
                caller,
                "development.step",
                "development_person",
                Some(id.to_string()),
                format!(
                    "“{}”第{}步“{}”（{}）{}",
                    person.name,
                    f.step.number,
                    f.step.name,
                    f.done_on,
                    if docs.is_empty() { String::new() } else { format!("，文件：{}", docs.join(" ")) }
                ),
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
