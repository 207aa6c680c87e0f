//! Villages and their 名誉村主任 (honorary village heads, 朱泾镇's 2019 practice).
//!
//! A village is a unit of kind `village` in the registry (a town's village is found, scoped
//! and named as any unit is). A head is nominated from a 两新 organisation's enterprise,
//! checked against the 五有 checklist by the 综合工作党委 and the chamber, appointed to a
//! village of the same town for a term with a pairing mode; the town's mandatory actions
//! (its own list) are then due, the head adds chosen ones (`village_actions.rs`).
//!
//! Who: the town admin of the head's town and the district admin keep all of it; the
//! enterprise's contact sees its own enterprise's heads and reports their actions; others
//! see the heads of enterprises in their scope.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::bodies::{
    ActionKind, AppointmentFields, CheckFields, Checker, HeadIdentity, HeadState, HeadStep, MandatoryFields,
    NominationFields, PairingMode, qualify,
};
use qunlian_domain::registry::{SrdiLevel, UnitKind};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{
    unit, village_check_item, village_head, village_head_action, village_head_check, village_mandatory_action,
};
use crate::scope::town_in;
use crate::{Result, StoreError};

/// A village of a town.
#[derive(Clone, Debug, Serialize)]
pub struct Village {
    pub id: i64,
    pub name: String,
    pub town_code: String,
    pub town: String,
}

/// One of a town's mandatory actions.
#[derive(Clone, Debug, Serialize)]
pub struct Mandatory {
    pub id: i64,
    pub name: String,
    pub due_days: i32,
}

/// A 名誉村主任 on a list.
#[derive(Clone, Debug, Serialize)]
pub struct Head {
    pub id: i64,
    pub person: String,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub identity: HeadIdentity,
    pub town_code: String,
    pub town: String,
    pub nominated_on: NaiveDate,
    pub state: HeadState,
    pub village_id: Option<i64>,
    pub village: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub pairing: Option<PairingMode>,
    pub is_demo: bool,
}

/// The latest line of the checklist for one item and one checker.
#[derive(Clone, Debug, Serialize)]
pub struct CheckLine {
    pub item_id: i64,
    pub item: String,
    pub checker: Checker,
    pub passed: bool,
    pub note: String,
    pub checked_on: NaiveDate,
}

impl Bodies<'_> {
    /// Whether the caller's area holds `town_code`: the district (or everything) or the town.
    pub(super) fn area_holds(caller: &Caller, town_code: &str) -> bool {
        match &caller.scope {
            Scope::All => true,
            Scope::Region(r) => RegionCode::parse(town_code).is_ok_and(|t| t == *r || t.is_within(r)),
            _ => false,
        }
    }

    /// Nothing when the caller's area holds `town_code`, else Forbidden: a record the caller
    /// sees but does not keep.
    pub(super) fn keeps(caller: &Caller, town_code: &str) -> Result<()> {
        if Self::area_holds(caller, town_code) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// Records of a town (`town` column) with an enterprise (`enterprise` column) the caller
    /// may see: an area admin those of its area, others those whose enterprise is in scope.
    pub(super) async fn town_or_unit_scope<C: ColumnTrait>(
        self,
        caller: &Caller,
        town: C,
        enterprise: Option<C>,
    ) -> Result<Condition> {
        self.store.require(caller, Action::ReadRegistry)?;
        Ok(match (&caller.scope, enterprise) {
            (Scope::All, _) => Condition::all(),
            (Scope::Region(r), _) => town_in(town, r),
            (_, Some(column)) => {
                let units = Query::select()
                    .column(unit::Column::Id)
                    .from(unit::Entity)
                    .cond_where(self.store.unit_scope(caller).await?)
                    .to_owned();
                Condition::all().add(column.in_subquery(units))
            }
            (_, None) => Condition::all().add(sea_orm::sea_query::Expr::cust("1 = 0")),
        })
    }

    /// An enterprise (not a department, not a village) of the caller's scope — and, with
    /// `in_area`, of a town of its area —, or a refusal naming `field`.
    pub(super) async fn enterprise_in_scope(
        self,
        caller: &Caller,
        id: i64,
        field: &'static str,
        in_area: bool,
    ) -> Result<unit::Model> {
        let e = self
            .store
            .unit_in_scope(caller, UnitId(id))
            .await
            .map_err(|_| StoreError::invalid(field, "不在您的管辖范围内，请从列表中选择"))?;
        if matches!(e.kind, UnitKind::Government | UnitKind::Village) {
            return Err(StoreError::invalid(field, format!("“{}”不是企业", e.name)));
        }
        if in_area && !Self::area_holds(caller, &e.town_code) {
            return Err(StoreError::invalid(field, format!("“{}”不在本辖区", e.name)));
        }
        Ok(e)
    }

    /// The villages the caller sees, by town and name.
    pub async fn villages(self, caller: &Caller) -> Result<Vec<Village>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let cond = Condition::all()
            .add(self.store.unit_scope(caller).await?)
            .add(unit::Column::Kind.eq(UnitKind::Village.code()));
        let rows = unit::Entity::find()
            .filter(cond)
            .order_by_asc(unit::Column::TownCode)
            .order_by_asc(unit::Column::Name)
            .all(self.store.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|u| Village {
                town: crate::shared::town_name(&u.town_code),
                id: u.id,
                name: u.name,
                town_code: u.town_code,
            })
            .collect())
    }

    /// Registers a village of a town in the caller's area; a name the town already has is refused.
    pub async fn add_village(self, caller: &Caller, town: &RegionCode, name: &str, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::RunVillages)?;
        let name = qunlian_domain::bodies::parse_name("村名", name)?;
        Self::own_town(caller, town)?;
        let taken = unit::Entity::find()
            .filter(unit::Column::Kind.eq(UnitKind::Village.code()))
            .filter(unit::Column::TownCode.eq(town.to_string()))
            .filter(unit::Column::Name.eq(name.as_str()))
            .one(self.store.db())
            .await?;
        if taken.is_some() {
            return Err(StoreError::invalid("村名", format!("{}已有“{name}”", town.name())));
        }
        let row = unit::ActiveModel {
            kind: Set(UnitKind::Village),
            name: Set(name),
            uscc: Set(None),
            town_code: Set(town.to_string()),
            high_tech: Set(false),
            above_scale: Set(false),
            srdi: Set(SrdiLevel::default()),
            listed: Set(false),
            key_project: Set(false),
            row_hash: Set(String::new()),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |u| {
                Change::new("village.add", "unit", u.id, format!("登记{}村（居）“{}”", town.name(), u.name))
            })
            .await
            .map(|saved| saved.id)
    }

    /// The 五有 checklist's items, in order.
    pub async fn check_items(self, caller: &Caller) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::ReadRegistry)?;
        Ok(village_check_item::Entity::find()
            .order_by_asc(village_check_item::Column::Position)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect())
    }

    /// A town's mandatory actions (规定动作), in the order entered.
    pub async fn mandatory_actions(self, caller: &Caller, town: &RegionCode) -> Result<Vec<Mandatory>> {
        self.store.require(caller, Action::ReadRegistry)?;
        Ok(village_mandatory_action::Entity::find()
            .filter(village_mandatory_action::Column::TownCode.eq(town.to_string()))
            .order_by_asc(village_mandatory_action::Column::Position)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| Mandatory { id: m.id, name: m.name, due_days: m.due_days })
            .collect())
    }

    /// Adds a mandatory action to the town's list; heads appointed afterwards get it.
    pub async fn add_mandatory(
        self,
        caller: &Caller,
        town: &RegionCode,
        f: MandatoryFields,
        demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::RunVillages)?;
        Self::keeps(caller, &town.to_string())?;
        let position = self.mandatory_actions(caller, town).await?.len() as i32 + 1;
        let row = village_mandatory_action::ActiveModel {
            town_code: Set(town.to_string()),
            name: Set(f.name),
            due_days: Set(f.due_days),
            position: Set(position),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |m| {
                Change::new(
                    "village.mandatory",
                    "village_mandatory_action",
                    m.id,
                    format!("{}规定动作增加“{}”（聘任后{}天内）", town.name(), m.name, m.due_days),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Nominates a 名誉村主任 from an enterprise of the caller's area; the head's town is the
    /// enterprise's.
    pub async fn nominate(self, caller: &Caller, f: NominationFields, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::RunVillages)?;
        let e = self.enterprise_in_scope(caller, f.enterprise_id, "所在企业", true).await?;
        let row = village_head::ActiveModel {
            town_code: Set(e.town_code.clone()),
            person_name: Set(f.person),
            enterprise_unit_id: Set(e.id),
            identity: Set(f.identity),
            nominated_on: Set(f.nominated_on),
            state: Set(HeadState::START),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |h| {
                Change::new(
                    "village_head.nominate",
                    "village_head",
                    h.id,
                    format!("提名名誉村主任“{}”（{}，{}）", h.person_name, e.name, h.identity.label()),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// The heads the caller sees, latest nomination first.
    pub async fn heads(self, caller: &Caller) -> Result<Vec<Head>> {
        let scope = self
            .town_or_unit_scope(caller, village_head::Column::TownCode, Some(village_head::Column::EnterpriseUnitId))
            .await?;
        let rows = village_head::Entity::find()
            .filter(scope)
            .order_by_desc(village_head::Column::NominatedOn)
            .order_by_desc(village_head::Column::Id)
            .all(self.store.db())
            .await?;
        self.heads_named(rows).await
    }

    pub(super) async fn heads_named(self, rows: Vec<village_head::Model>) -> Result<Vec<Head>> {
        let ids = rows.iter().flat_map(|h| [Some(h.enterprise_unit_id), h.village_unit_id]).flatten().collect();
        let names = self.store.unit_names(ids).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|h| Head {
                enterprise: name(h.enterprise_unit_id),
                village: h.village_unit_id.map(name),
                town: crate::shared::town_name(&h.town_code),
                id: h.id,
                person: h.person_name,
                enterprise_id: h.enterprise_unit_id,
                identity: h.identity,
                town_code: h.town_code,
                nominated_on: h.nominated_on,
                state: h.state,
                village_id: h.village_unit_id,
                term_start: h.term_start,
                term_end: h.term_end,
                pairing: h.pairing,
                is_demo: h.is_demo,
            })
            .collect())
    }

    /// One head the caller sees, or NotFound.
    pub(super) async fn head_row(self, caller: &Caller, id: i64) -> Result<village_head::Model> {
        let scope = self
            .town_or_unit_scope(caller, village_head::Column::TownCode, Some(village_head::Column::EnterpriseUnitId))
            .await?;
        self.store.found_where::<village_head::Entity>(id, scope).await
    }

    /// One head, as a list shows it.
    pub async fn head(self, caller: &Caller, id: i64) -> Result<Head> {
        let row = self.head_row(caller, id).await?;
        self.heads_named(vec![row]).await?.pop().ok_or(StoreError::NotFound)
    }

    /// A head the caller may keep (nominate, check, appoint): in its area.
    async fn head_to_run(self, caller: &Caller, id: i64) -> Result<village_head::Model> {
        self.store.require(caller, Action::RunVillages)?;
        let h = self.head_row(caller, id).await?;
        Self::keeps(caller, &h.town_code)?;
        Ok(h)
    }

    /// The checklist as it stands: the latest line per item and checker.
    pub async fn checks(self, caller: &Caller, head_id: i64) -> Result<Vec<CheckLine>> {
        let h = self.head_row(caller, head_id).await?;
        let items: HashMap<i64, String> = self.check_items(caller).await?.into_iter().collect();
        let rows = village_head_check::Entity::find()
            .filter(village_head_check::Column::HeadId.eq(h.id))
            .order_by_desc(village_head_check::Column::Id)
            .all(self.store.db())
            .await?;
        let mut seen = Vec::new();
        let mut lines = Vec::new();
        for r in rows {
            if seen.contains(&(r.item_id, r.checker)) {
                continue;
            }
            seen.push((r.item_id, r.checker));
            lines.push(CheckLine {
                item: items.get(&r.item_id).cloned().unwrap_or_default(),
                item_id: r.item_id,
                checker: r.checker,
                passed: r.passed,
                note: r.note,
                checked_on: r.checked_on,
            });
        }
        lines.sort_by_key(|l| (l.item_id, l.checker.code()));
        Ok(lines)
    }

    /// Records one line of the 五有 checklist while the head is nominated; a later line for
    /// the same item and checker replaces the earlier one.
    pub async fn record_check(self, caller: &Caller, head_id: i64, f: CheckFields, demo: bool) -> Result<i64> {
        let h = self.head_to_run(caller, head_id).await?;
        if h.state != HeadState::Nominated {
            return Err(StoreError::invalid("审核", format!("名誉村主任状态为“{}”，不能再审核", h.state.label())));
        }
        let items: HashMap<i64, String> = self.check_items(caller).await?.into_iter().collect();
        let Some(item) = items.get(&f.item_id) else {
            return Err(StoreError::invalid("审核项目", "不在“五有”标准中，请从列表中选择"));
        };
        let row = village_head_check::ActiveModel {
            head_id: Set(h.id),
            item_id: Set(f.item_id),
            checker: Set(f.checker),
            passed: Set(f.passed),
            note: Set(f.note),
            checked_on: Set(f.checked_on),
            ..Default::default()
        };
        let verdict = if f.passed { "符合" } else { "不符合" };
        let saved = self
            .store
            .insert_stamped(caller, row, demo, |c| {
                Change::new(
                    "village_head.check",
                    "village_head",
                    c.head_id,
                    format!("“{}”五有审核：{}认定“{item}”{verdict}", h.person_name, c.checker.label()),
                )
            })
            .await?;
        Ok(saved.id)
    }

    /// Takes a step on a head: qualifying needs the whole checklist passed by both checkers;
    /// appointing needs the village (of the head's town), the term and the pairing mode, and
    /// makes the town's mandatory actions due (the term's start plus each one's days).
    pub async fn step_head(
        self,
        caller: &Caller,
        head_id: i64,
        step: HeadStep,
        appointment: Option<AppointmentFields>,
    ) -> Result<HeadState> {
        let h = self.head_to_run(caller, head_id).await?;
        let to = match step {
            HeadStep::Qualify => {
                let items = self.check_items(caller).await?;
                let passed: Vec<(i64, Checker)> = self
                    .checks(caller, h.id)
                    .await?
                    .into_iter()
                    .filter(|c| c.passed)
                    .map(|c| (c.item_id, c.checker))
                    .collect();
                qualify(h.state, &items, &passed)
            }
            _ => h.state.next(step),
        }
        .map_err(|e| StoreError::invalid("名誉村主任状态", e.to_string()))?;
        let person = h.person_name.clone();
        let town = h.town_code.clone();
        let mut row: village_head::ActiveModel = h.into();
        let mut detail = step.verb().to_owned();
        let mut due = Vec::new();
        if step == HeadStep::Appoint {
            let Some(a) = appointment else {
                return Err(StoreError::invalid("结对村", "请选择"));
            };
            let v = unit::Entity::find_by_id(a.village_id)
                .filter(unit::Column::Kind.eq(UnitKind::Village.code()))
                .filter(unit::Column::TownCode.eq(town.as_str()))
                .one(self.store.db())
                .await?
                .ok_or_else(|| StoreError::invalid("结对村", "应为本镇的村，请从列表中选择"))?;
            row.village_unit_id = Set(Some(v.id));
            row.term_start = Set(Some(a.term_start));
            row.term_end = Set(Some(a.term_end));
            row.pairing = Set(Some(a.pairing));
            detail =
                format!("聘任为“{}”名誉村主任（{} 至 {}，{}）", v.name, a.term_start, a.term_end, a.pairing.label());
            let list = village_mandatory_action::Entity::find()
                .filter(village_mandatory_action::Column::TownCode.eq(town.as_str()))
                .order_by_asc(village_mandatory_action::Column::Position)
                .all(self.store.db())
                .await?;
            due = list
                .into_iter()
                .map(|m| (m.id, m.name, a.term_start + Duration::days(i64::from(m.due_days))))
                .collect();
        }
        row.state = Set(to);
        let detail = format!("名誉村主任“{person}”：{detail}，现为“{}”", to.label());
        let saved =
            self.store.update_recorded(caller, row, "village_head.step", ("village_head", head_id), detail).await?;
        let now = self.store.now();
        for (mandatory_id, title, due_on) in due {
            village_head_action::ActiveModel {
                head_id: Set(saved.id),
                kind: Set(ActionKind::Mandatory),
                mandatory_id: Set(Some(mandatory_id)),
                title: Set(title),
                due_on: Set(due_on),
                evidence: Set(String::new()),
                done_on: Set(None),
                recorded_by: Set(caller.username.clone()),
                is_demo: Set(saved.is_demo),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(self.store.db())
            .await?;
        }
        Ok(to)
    }
}

/// How many enterprises a picker of the bodies' forms lists at once; a search box finds the
/// others (`GET /units/choices`).
pub const ENTERPRISE_CHOICES: u64 = 500;

impl Bodies<'_> {
    /// The enterprises (not departments, not villages) the caller may nominate from or enter
    /// candidates of: those of its scope whose name contains `q` (or credit code starts with
    /// it), by name, at most [`ENTERPRISE_CHOICES`], after those of `keep` (a form's choice).
    pub async fn enterprise_choices(
        self,
        caller: &Caller,
        q: Option<&str>,
        keep: &[i64],
    ) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let cond = Condition::all()
            .add(self.store.unit_scope(caller).await?)
            .add(unit::Column::Kind.is_not_in([UnitKind::Government.code(), UnitKind::Village.code()]));
        self.store.unit_choices_keeping(cond, q, ENTERPRISE_CHOICES, keep).await
    }

    /// The Party organisations the caller may ask for an opinion: those of its scope, by
    /// name, at most 500.
    pub async fn org_choices(self, caller: &Caller) -> Result<Vec<(i64, String)>> {
        self.store.org_choices(caller, Action::ReadRegistry, Some(500)).await
    }
}
