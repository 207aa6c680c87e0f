//! The register of Party-building instructors (党建指导员, issue #13): who they are and who
//! sent them, whom they guide (an organisation, an enterprise or a cluster) from which day,
//! and their yearly assessments — in place of the names typed as free text on coverage links.
//!
//! Who sees an instructor: a district or town admin those its area sent, and anyone who sees
//! an organisation, enterprise or cluster the instructor guides or guided (an organisation's
//! page lists its instructors). Who keeps the register: the district and town admins
//! (`AssignCoverage`), for instructors their area sent and for whom they see. Every change
//! audited.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::people::instructors::{AssessmentFields, AssignmentFields, Guided, InstructorFields};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::People;
use crate::audit::Change;
use crate::entity::{cluster, instructor, instructor_assessment, instructor_assignment, party_org, unit};
use crate::scope::town_in;
use crate::{Result, StoreError};

/// Whom an instructor guides, as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct Guiding {
    pub id: i64,
    pub guided: Guided,
    pub name: String,
    /// `/orgs/ID`, `/enterprises/ID`, `/clusters/ID`.
    pub link: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// An instructor with the organisations, enterprises and clusters guided now.
#[derive(Clone, Debug, Serialize)]
pub struct InstructorLine {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub area: String,
    pub guiding: Vec<Guiding>,
    pub is_demo: bool,
}

/// A year's assessment.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub period: String,
    pub rating: qunlian_domain::people::instructors::InstructorRating,
    pub note: String,
    pub assessed_by: String,
}

/// One instructor with every assignment (ended ones too) and assessment.
#[derive(Clone, Debug, Serialize)]
pub struct Instructor {
    pub line: InstructorLine,
    pub qualifications: String,
    pub duties: String,
    pub assignments: Vec<Guiding>,
    pub assessments: Vec<Assessment>,
}

fn ids(
    col: impl sea_orm::sea_query::IntoIden,
    table: impl sea_orm::sea_query::IntoTableRef,
    cond: Condition,
) -> SelectStatement {
    Query::select().column(col).from(table).cond_where(cond).to_owned()
}

impl People<'_> {
    /// The assignments to what the caller sees: an organisation, enterprise or cluster.
    async fn guided_scope(&self, caller: &Caller) -> Result<Condition> {
        let s = self.store;
        Ok(Condition::any()
            .add(instructor_assignment::Column::PartyOrgId.in_subquery(ids(
                party_org::Column::Id,
                party_org::Entity,
                s.org_scope(caller).await?,
            )))
            .add(instructor_assignment::Column::UnitId.in_subquery(ids(
                unit::Column::Id,
                unit::Entity,
                s.unit_scope(caller).await?,
            )))
            .add(instructor_assignment::Column::ClusterId.in_subquery(ids(
                cluster::Column::Id,
                cluster::Entity,
                s.cluster_scope(caller).await?,
            ))))
    }

    /// The instructors the caller sees: its area's, and those guiding what it sees.
    async fn instructor_scope(&self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadRegistry)?;
        let guiding = Query::select()
            .column(instructor_assignment::Column::InstructorId)
            .from(instructor_assignment::Entity)
            .cond_where(self.guided_scope(caller).await?)
            .to_owned();
        let mut any = Condition::any().add(instructor::Column::Id.in_subquery(guiding));
        match &caller.scope {
            Scope::All => any = any.add(instructor::Column::Id.gt(0)),
            Scope::Region(r) => any = any.add(town_in(instructor::Column::AreaCode, r)),
            _ => {}
        }
        Ok(Condition::all().add(any))
    }

    async fn instructor_row(&self, caller: &Caller, id: i64) -> Result<instructor::Model> {
        let cond = self.instructor_scope(caller).await?.add(instructor::Column::Id.eq(id));
        instructor::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// An instructor the caller keeps: its area sent them (or, for one guiding what the
    /// caller sees, the caller's area holds that).
    async fn kept(&self, caller: &Caller, id: i64) -> Result<instructor::Model> {
        self.store.require(caller, Action::AssignCoverage)?;
        self.instructor_row(caller, id).await
    }

    /// The assignments' lines, named and linked.
    async fn guiding(&self, rows: Vec<instructor_assignment::Model>) -> Result<Vec<(i64, Guiding)>> {
        let s = self.store;
        let of = |f: fn(&instructor_assignment::Model) -> Option<i64>| rows.iter().filter_map(f).collect::<Vec<_>>();
        let orgs: HashMap<i64, String> = s
            .column_by_id::<party_org::Entity, String>(
                party_org::Column::Id,
                party_org::Column::Name,
                of(|r| r.party_org_id),
            )
            .await?;
        let units = s.unit_names(of(|r| r.unit_id)).await?;
        let clusters: HashMap<i64, String> = s
            .column_by_id::<cluster::Entity, String>(cluster::Column::Id, cluster::Column::Name, of(|r| r.cluster_id))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (guided, name, link) = match (r.party_org_id, r.unit_id, r.cluster_id) {
                    (Some(o), _, _) => (Guided::Org(o), orgs.get(&o).cloned(), format!("/orgs/{o}")),
                    (_, Some(u), _) => (Guided::Unit(u), units.get(&u).cloned(), format!("/enterprises/{u}")),
                    (_, _, Some(c)) => (Guided::Cluster(c), clusters.get(&c).cloned(), format!("/clusters/{c}")),
                    _ => return None,
                };
                let g =
                    Guiding { id: r.id, guided, name: name.unwrap_or_default(), link, since: r.since, until: r.until };
                Some((r.instructor_id, g))
            })
            .collect())
    }

    fn line(r: &instructor::Model, guiding: Vec<Guiding>) -> InstructorLine {
        InstructorLine {
            id: r.id,
            name: r.name.clone(),
            source: r.source.clone(),
            area: r.area_code.as_deref().map(crate::shared::town_name).unwrap_or_default(),
            guiding,
            is_demo: r.is_demo,
        }
    }

    /// The instructors the caller sees, by name, each with whom it guides now; `org` keeps
    /// those guiding that organisation now (the org page's list).
    pub async fn instructors(&self, caller: &Caller, org: Option<i64>) -> Result<Vec<InstructorLine>> {
        let mut cond = self.instructor_scope(caller).await?;
        let today = self.store.today();
        let current = Condition::any()
            .add(instructor_assignment::Column::Until.is_null())
            .add(instructor_assignment::Column::Until.gt(today));
        if let Some(o) = org {
            cond = cond.add(
                instructor::Column::Id.in_subquery(
                    Query::select()
                        .column(instructor_assignment::Column::InstructorId)
                        .from(instructor_assignment::Entity)
                        .and_where(instructor_assignment::Column::PartyOrgId.eq(o))
                        .cond_where(current.clone())
                        .to_owned(),
                ),
            );
        }
        let rows = instructor::Entity::find()
            .filter(cond)
            .order_by_asc(instructor::Column::Name)
            .order_by_asc(instructor::Column::Id)
            .limit(500)
            .all(self.store.db())
            .await?;
        let assigned = instructor_assignment::Entity::find()
            .filter(instructor_assignment::Column::InstructorId.is_in(rows.iter().map(|r| r.id)))
            .filter(current)
            .filter(self.guided_scope(caller).await?)
            .order_by_asc(instructor_assignment::Column::Since)
            .all(self.store.db())
            .await?;
        let mut by: HashMap<i64, Vec<Guiding>> = HashMap::new();
        for (i, g) in self.guiding(assigned).await? {
            by.entry(i).or_default().push(g);
        }
        Ok(rows.iter().map(|r| Self::line(r, by.remove(&r.id).unwrap_or_default())).collect())
    }

    /// One instructor: its assignments (what the caller sees of them, ended ones too) and
    /// its assessments.
    pub async fn instructor(&self, caller: &Caller, id: i64) -> Result<Instructor> {
        let r = self.instructor_row(caller, id).await?;
        let db = self.store.db();
        let assigned = instructor_assignment::Entity::find()
            .filter(instructor_assignment::Column::InstructorId.eq(id))
            .filter(self.guided_scope(caller).await?)
            .order_by_desc(instructor_assignment::Column::Since)
            .all(db)
            .await?;
        let assignments: Vec<Guiding> = self.guiding(assigned).await?.into_iter().map(|(_, g)| g).collect();
        let today = self.store.today();
        let current = assignments.iter().filter(|g| g.until.is_none_or(|u| u > today)).cloned().collect();
        let assessments = instructor_assessment::Entity::find()
            .filter(instructor_assessment::Column::InstructorId.eq(id))
            .order_by_desc(instructor_assessment::Column::Period)
            .all(db)
            .await?
            .into_iter()
            .map(|a| Assessment { period: a.period, rating: a.rating, note: a.note, assessed_by: a.assessed_by })
            .collect();
        Ok(Instructor {
            line: Self::line(&r, current),
            qualifications: r.qualifications,
            duties: r.duties,
            assignments,
            assessments,
        })
    }

    /// What the caller may assign an instructor to: its organisations (not dissolved), its
    /// clusters and its enterprises (by name, at most 300 of each), as `(value, label)`; `q`
    /// narrows each to names containing it (enterprises also by the credit code's start).
    pub async fn guided_choices(&self, caller: &Caller, q: Option<&str>) -> Result<Vec<(String, String)>> {
        self.store.require(caller, Action::AssignCoverage)?;
        let s = self.store;
        let db = s.db();
        let q = crate::shared::search_text(q)?;
        let (mut org_cond, mut cluster_cond) = (s.org_scope(caller).await?, s.cluster_scope(caller).await?);
        if let Some(q) = q {
            org_cond = Condition::all().add(org_cond).add(party_org::Column::Name.contains(q));
            cluster_cond = Condition::all().add(cluster_cond).add(cluster::Column::Name.contains(q));
        }
        let mut out = Vec::new();
        let orgs: Vec<(i64, String)> = party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .column(party_org::Column::Name)
            .filter(org_cond)
            .filter(party_org::Column::DissolvedOn.is_null())
            .order_by_asc(party_org::Column::Name)
            .limit(300)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(orgs.into_iter().map(|(id, n)| (Guided::Org(id).value(), format!("{n}（党组织）"))));
        let clusters: Vec<(i64, String)> = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .column(cluster::Column::Name)
            .filter(cluster_cond)
            .order_by_asc(cluster::Column::Name)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(clusters.into_iter().map(|(id, n)| (Guided::Cluster(id).value(), format!("{n}（集群）"))));
        let cond = Condition::all()
            .add(unit::Column::Kind.eq(qunlian_domain::registry::UnitKind::Enterprise.code()))
            .add(s.unit_scope(caller).await?);
        let units = s.unit_choices(cond, q, 300).await?;
        out.extend(units.into_iter().map(|(id, n)| (Guided::Unit(id).value(), format!("{n}（企业）"))));
        Ok(out)
    }

    /// What an assignment may guide, as [`Self::guided_choices`] labels it, when the caller
    /// sees it: read by its id, not looked up among the choices, which a form lists only the
    /// first 300 of (the demo district alone has more organisations).
    async fn guided_label(&self, caller: &Caller, guided: Guided) -> Result<Option<String>> {
        self.store.require(caller, Action::AssignCoverage)?;
        let s = self.store;
        let db = s.db();
        let name: Option<String> = match guided {
            Guided::Org(o) => {
                party_org::Entity::find_by_id(o)
                    .select_only()
                    .column(party_org::Column::Name)
                    .filter(s.org_scope(caller).await?)
                    .filter(party_org::Column::DissolvedOn.is_null())
                    .into_tuple()
                    .one(db)
                    .await?
            }
            Guided::Cluster(c) => {
                cluster::Entity::find_by_id(c)
                    .select_only()
                    .column(cluster::Column::Name)
                    .filter(s.cluster_scope(caller).await?)
                    .into_tuple()
                    .one(db)
                    .await?
            }
            Guided::Unit(u) => {
                unit::Entity::find_by_id(u)
                    .select_only()
                    .column(unit::Column::Name)
                    .filter(unit::Column::Kind.eq(qunlian_domain::registry::UnitKind::Enterprise.code()))
                    .filter(s.unit_scope(caller).await?)
                    .into_tuple()
                    .one(db)
                    .await?
            }
        };
        let kind = match guided {
            Guided::Org(_) => "党组织",
            Guided::Cluster(_) => "集群",
            Guided::Unit(_) => "企业",
        };
        Ok(name.map(|n| format!("{n}（{kind}）")))
    }

    /// Registers an instructor sent by the caller's area (or a town of it). Audited.
    pub async fn add_instructor(&self, caller: &Caller, f: InstructorFields, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::AssignCoverage)?;
        let within = match &caller.scope {
            Scope::All => true,
            Scope::Region(r) => f.area == *r || f.area.is_within(r),
            _ => false,
        };
        if !within {
            return Err(StoreError::invalid("选派地区", "不在您的管辖范围内"));
        }
        let now = self.store.now();
        let row = instructor::ActiveModel {
            name: Set(f.name.clone()),
            source: Set(f.source.clone()),
            area_code: Set(Some(f.area.to_string())),
            qualifications: Set(f.qualifications.clone()),
            duties: Set(f.duties.clone()),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let what = format!("{}（{}，{}）：{}", f.name, f.source, f.area.name(), f.duties);
        let saved = self
            .store
            .insert_recorded(caller, row, |i| Change::new("instructor.create", "instructor", i.id, what))
            .await?;
        Ok(saved.id)
    }

    /// Assigns an instructor to an organisation, enterprise or cluster the caller sees, from
    /// a day; the same one guided already (not ended) is refused. Audited.
    pub async fn assign_instructor(&self, caller: &Caller, id: i64, f: AssignmentFields, demo: bool) -> Result<i64> {
        let r = self.kept(caller, id).await?;
        let Some(label) = self.guided_label(caller, f.guided).await? else {
            return Err(StoreError::invalid("指导对象", "不存在，或不在您的权限范围内"));
        };
        let (org, unit_id, cluster_id) = match f.guided {
            Guided::Org(o) => (Some(o), None, None),
            Guided::Unit(u) => (None, Some(u), None),
            Guided::Cluster(c) => (None, None, Some(c)),
        };
        let db = self.store.db();
        let open = instructor_assignment::Entity::find()
            .filter(instructor_assignment::Column::InstructorId.eq(id))
            .filter(match f.guided {
                Guided::Org(o) => instructor_assignment::Column::PartyOrgId.eq(o),
                Guided::Unit(u) => instructor_assignment::Column::UnitId.eq(u),
                Guided::Cluster(c) => instructor_assignment::Column::ClusterId.eq(c),
            })
            .filter(instructor_assignment::Column::Until.is_null())
            .one(db)
            .await?;
        if open.is_some() {
            return Err(StoreError::invalid("指导对象", format!("{label} 已由{}指导，无需重复分派", r.name)));
        }
        let now = self.store.now();
        let row = instructor_assignment::ActiveModel {
            instructor_id: Set(id),
            party_org_id: Set(org),
            unit_id: Set(unit_id),
            cluster_id: Set(cluster_id),
            since: Set(f.since),
            until: Set(None),
            assigned_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let what = format!("{} 指导 {label}，自 {} 起", r.name, f.since);
        let saved = self
            .store
            .insert_recorded(caller, row, |_| Change::new("instructor.assign", "instructor", id, what))
            .await?;
        Ok(saved.id)
    }

    /// The register's instructor a coverage link names (one the caller keeps: its name for
    /// the link), with its guidance of the enterprise recorded from `since` when none is open
    /// (`unit`: a work link; None: a responsibility-list entry, which only names them).
    pub(crate) async fn named_for_coverage(
        &self,
        caller: &Caller,
        id: i64,
        unit: Option<(i64, NaiveDate)>,
        demo: bool,
    ) -> Result<String> {
        let r = self.kept(caller, id).await.map_err(|e| match e {
            StoreError::NotFound => StoreError::invalid("指导员", "不在指导员名册中，或不在您的权限范围内"),
            e => e,
        })?;
        if let Some((u, since)) = unit {
            let open = instructor_assignment::Entity::find()
                .filter(instructor_assignment::Column::InstructorId.eq(id))
                .filter(instructor_assignment::Column::UnitId.eq(u))
                .filter(instructor_assignment::Column::Until.is_null())
                .one(self.store.db())
                .await?;
            if open.is_none() {
                self.assign_instructor(caller, id, AssignmentFields { guided: Guided::Unit(u), since }, demo).await?;
            }
        }
        Ok(r.name)
    }

    /// Ends an assignment on a day (not before it began). Audited with before and after.
    pub async fn end_assignment(&self, caller: &Caller, id: i64, assignment: i64, on: NaiveDate) -> Result<()> {
        let r = self.kept(caller, id).await?;
        let a = instructor_assignment::Entity::find()
            .filter(instructor_assignment::Column::Id.eq(assignment))
            .filter(instructor_assignment::Column::InstructorId.eq(id))
            .filter(instructor_assignment::Column::Until.is_null())
            .filter(self.guided_scope(caller).await?)
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        if on < a.since {
            return Err(StoreError::invalid("结束日期", format!("不能早于开始日期 {}", a.since)));
        }
        let name = self.guiding(vec![a.clone()]).await?.into_iter().next().map(|(_, g)| g.name).unwrap_or_default();
        let since = a.since;
        let mut m = a.into_active_model();
        m.until = Set(Some(on));
        let what = format!("{} 指导 {name}：修改前 自 {since} 起（未结束）；修改后 {since} 至 {on}", r.name);
        self.store.update_recorded(caller, m, "instructor.end", ("instructor", id), what).await?;
        Ok(())
    }

    /// Records the year's assessment of an instructor; once per year. Audited.
    pub async fn assess_instructor(&self, caller: &Caller, id: i64, f: AssessmentFields, demo: bool) -> Result<()> {
        let r = self.kept(caller, id).await?;
        let db = self.store.db();
        let done = instructor_assessment::Entity::find()
            .filter(instructor_assessment::Column::InstructorId.eq(id))
            .filter(instructor_assessment::Column::Period.eq(f.period.clone()))
            .one(db)
            .await?;
        if done.is_some() {
            return Err(StoreError::invalid("考核年度", format!("{} 年度已考核", f.period)));
        }
        let now = self.store.now();
        let row = instructor_assessment::ActiveModel {
            instructor_id: Set(id),
            period: Set(f.period.clone()),
            rating: Set(f.rating),
            note: Set(f.note.clone()),
            assessed_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let what = format!("{} {} 年度考核：{}", r.name, f.period, f.rating.label());
        self.store.insert_recorded(caller, row, |_| Change::new("instructor.assess", "instructor", id, what)).await?;
        Ok(())
    }
}
