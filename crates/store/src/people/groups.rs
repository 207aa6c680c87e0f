//! Party groups (党小组) of a branch: a name, the leader and the members, both from the
//! branch's roster, a member in at most one group of the branch. A group is not a Party
//! organisation (no relation held, no coverage, in no organisation list); it holds 党小组会,
//! which the monthly 三会一课 check follows per group. Scoped as the branch's members are
//! (the branch in `Store::org_scope`); every change audited.

use std::collections::HashMap;

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::people::groups::GroupFields;
use qunlian_domain::registry::OrgKind;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::People;
use crate::audit::Change;
use crate::entity::{member, party_group, party_group_member, party_org};
use crate::{Result, StoreError};

/// A group as its branch's page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PartyGroup {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub leader: Option<(i64, String)>,
    /// By name.
    pub members: Vec<(i64, String)>,
}

impl People<'_> {
    /// The branch in the caller's scope (for `write`, one it may keep members of: not dissolved).
    async fn branch_in_scope(&self, caller: &Caller, org: i64, write: bool) -> Result<party_org::Model> {
        self.store.require(caller, if write { Action::WriteMembers } else { Action::ReadMembers })?;
        let cond = Condition::all().add(self.store.org_scope(caller).await?).add(party_org::Column::Id.eq(org));
        let o = party_org::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        if write && o.kind != OrgKind::Branch {
            return Err(StoreError::invalid("党小组", format!("“{}”不是党支部，党小组设在党支部之下", o.name)));
        }
        if write && o.dissolved_on.is_some() {
            return Err(StoreError::invalid("党小组", format!("“{}”已撤销", o.name)));
        }
        Ok(o)
    }

    /// The groups of a branch in the caller's scope, by name, with their members.
    pub async fn party_groups(&self, caller: &Caller, org: i64) -> Result<Vec<PartyGroup>> {
        self.branch_in_scope(caller, org, false).await?;
        let groups = party_group::Entity::find()
            .filter(party_group::Column::PartyOrgId.eq(org))
            .order_by_asc(party_group::Column::Name)
            .all(self.store.db())
            .await?;
        let links = party_group_member::Entity::find()
            .filter(party_group_member::Column::PartyOrgId.eq(org))
            .all(self.store.db())
            .await?;
        let names: HashMap<i64, String> = member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Name)
            .filter(member::Column::Id.is_in(links.iter().map(|l| l.member_id)))
            // A member transferred away is no longer shown in the branch's groups.
            .filter(member::Column::PartyOrgId.eq(org))
            .into_tuple::<(i64, String)>()
            .all(self.store.db())
            .await?
            .into_iter()
            .collect();
        let named = |id: i64| names.get(&id).map(|n| (id, n.clone()));
        Ok(groups
            .into_iter()
            .map(|g| {
                let mut members: Vec<(i64, String)> =
                    links.iter().filter(|l| l.group_id == g.id).filter_map(|l| named(l.member_id)).collect();
                members.sort_by(|a, b| a.1.cmp(&b.1));
                PartyGroup {
                    id: g.id,
                    org_id: g.party_org_id,
                    name: g.name,
                    leader: g.leader_member_id.and_then(named),
                    members,
                }
            })
            .collect())
    }

    /// The members of the branch itself (not its sub-organisations) a group may hold, by name.
    pub async fn branch_members(&self, caller: &Caller, org: i64) -> Result<Vec<(i64, String)>> {
        self.branch_in_scope(caller, org, false).await?;
        Ok(member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Name)
            .filter(member::Column::PartyOrgId.eq(org))
            .order_by_asc(member::Column::Name)
            .into_tuple()
            .all(self.store.db())
            .await?)
    }

    /// Checks a group's members: each the branch's, none in another group of it (`except`
    /// the group being edited), the name not another group's. Their names, for the audit.
    async fn checked_group(
        &self,
        org: &party_org::Model,
        f: &GroupFields,
        except: Option<i64>,
    ) -> Result<Vec<(i64, String)>> {
        let db = self.store.db();
        let mut same_name = party_group::Entity::find()
            .filter(party_group::Column::PartyOrgId.eq(org.id))
            .filter(party_group::Column::Name.eq(f.name.as_str()));
        if let Some(g) = except {
            same_name = same_name.filter(party_group::Column::Id.ne(g));
        }
        if same_name.one(db).await?.is_some() {
            return Err(StoreError::invalid("党小组名称", format!("{}已有“{}”", org.name, f.name)));
        }
        let found: Vec<(i64, String)> = member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Name)
            .filter(member::Column::PartyOrgId.eq(org.id))
            .filter(member::Column::Id.is_in(f.members.clone()))
            .into_tuple()
            .all(db)
            .await?;
        if let Some(m) = f.members.iter().find(|m| !found.iter().any(|(id, _)| id == *m)) {
            let field = if Some(*m) == f.leader { "党小组组长" } else { "党小组成员" };
            return Err(StoreError::invalid(field, format!("编号 {m} 不是{}的党员", org.name)));
        }
        let mut elsewhere = party_group_member::Entity::find()
            .filter(party_group_member::Column::PartyOrgId.eq(org.id))
            .filter(party_group_member::Column::MemberId.is_in(f.members.clone()));
        if let Some(g) = except {
            elsewhere = elsewhere.filter(party_group_member::Column::GroupId.ne(g));
        }
        if let Some(l) = elsewhere.one(db).await? {
            let group = party_group::Entity::find_by_id(l.group_id).one(db).await?.map(|g| g.name).unwrap_or_default();
            let name = found.iter().find(|(id, _)| *id == l.member_id).map(|(_, n)| n.as_str()).unwrap_or_default();
            return Err(StoreError::invalid(
                "党小组成员",
                format!("“{name}”已在“{group}”，一名党员只能编入本支部的一个党小组"),
            ));
        }
        Ok(found)
    }

    /// Sets up a group in a branch of the caller's scope; audited with its leader and members.
    pub async fn create_party_group(&self, caller: &Caller, org: i64, f: GroupFields, is_demo: bool) -> Result<i64> {
        let o = self.branch_in_scope(caller, org, true).await?;
        let names = self.checked_group(&o, &f, None).await?;
        let row = party_group::ActiveModel { party_org_id: Set(o.id), is_demo: Set(is_demo), ..Default::default() };
        let detail = format!("{}设立“{}”：{}", o.name, f.name, described(&f, &names));
        let g = self
            .save_group(caller, row, &f, |g| Change::new("party_group.create", "party_group", g.id, detail))
            .await?;
        Ok(g.id)
    }

    /// Renames a group, changes its leader and rewrites its members; audited before and after.
    pub async fn update_party_group(&self, caller: &Caller, group: i64, f: GroupFields) -> Result<()> {
        let db = self.store.db();
        let g = party_group::Entity::find_by_id(group).one(db).await?.ok_or(StoreError::NotFound)?;
        let o = self.branch_in_scope(caller, g.party_org_id, true).await?;
        let before = self.party_groups(caller, o.id).await?.into_iter().find(|x| x.id == group);
        let names = self.checked_group(&o, &f, Some(group)).await?;
        let was = before.map(|b| format!("“{}”{}人", b.name, b.members.len())).unwrap_or_default();
        let detail = format!("{}的党小组 修改前：{was}；修改后：“{}”：{}", o.name, f.name, described(&f, &names));
        self.save_group(caller, g.into(), &f, |_| Change::new("party_group.update", "party_group", group, detail))
            .await?;
        Ok(())
    }

    /// Writes a group's name and leader — a new group, or an old one whose members are
    /// replaced — with its members and the audit line `change` gives, in one transaction.
    async fn save_group(
        &self,
        caller: &Caller,
        mut row: party_group::ActiveModel,
        f: &GroupFields,
        change: impl FnOnce(&party_group::Model) -> Change,
    ) -> Result<party_group::Model> {
        let now = self.store.now();
        row.name = Set(f.name.clone());
        row.leader_member_id = Set(f.leader);
        row.updated_at = Set(now);
        let new = row.id.is_not_set();
        if new {
            row.created_at = Set(now);
        }
        self.store
            .recorded(
                caller,
                async |txn| {
                    let g = if new {
                        row.insert(txn).await?
                    } else {
                        party_group_member::Entity::delete_many()
                            .filter(party_group_member::Column::GroupId.eq(row.id.clone().unwrap()))
                            .exec(txn)
                            .await?;
                        row.update(txn).await?
                    };
                    Self::put_group_members(txn, &g, &f.members, now).await?;
                    Ok(g)
                },
                change,
            )
            .await
    }

    async fn put_group_members(
        txn: &sea_orm::DatabaseTransaction,
        g: &party_group::Model,
        members: &[i64],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let rows: Vec<party_group_member::ActiveModel> = members
            .iter()
            .map(|m| party_group_member::ActiveModel {
                group_id: Set(g.id),
                party_org_id: Set(g.party_org_id),
                member_id: Set(*m),
                is_demo: Set(g.is_demo),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        if !rows.is_empty() {
            party_group_member::Entity::insert_many(rows).exec_without_returning(txn).await?;
        }
        Ok(())
    }
}

/// A group's leader and members as the audit line says them.
fn described(f: &GroupFields, names: &[(i64, String)]) -> String {
    let name = |id: i64| names.iter().find(|(m, _)| *m == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let leader = f.leader.map(|l| format!("组长{}，", name(l))).unwrap_or_default();
    let members: Vec<String> = f.members.iter().map(|m| name(*m)).collect();
    format!("{leader}成员{}人（{}）", members.len(), members.join("、"))
}
