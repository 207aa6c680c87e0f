//! The roster import (党员名册导入): rows checked one by one, the good ones saved in one
//! transaction with their audit lines, the bad ones named by line. A member is matched by
//! the blind index of the ID number, so a re-run changes nothing it already holds; a member
//! whose relation is in an organisation outside the caller's scope is refused, never moved.

use std::collections::{HashMap, HashSet};

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::people::{MemberFields, OrgRef};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use serde::Serialize;

use super::People;
use crate::Result;
use crate::entity::{member, party_org, unit};

/// New members per INSERT in a roster import (about 20 columns each: within both
/// databases' limits on bound values).
const NEW_BATCH: usize = 500;

/// One good row of a roster file, as `qunlian_io::people` reads it.
#[derive(Clone, Debug)]
pub struct RosterRow {
    pub line: usize,
    pub fields: MemberFields,
}

/// A row refused, by its line in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterReject {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RosterImport {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The file's refused rows and the store's, by line.
    pub rejects: Vec<RosterReject>,
}

/// Ids looked up per query.
const CHUNK: usize = 500;

impl People<'_> {
    /// The organisations the rows name: by name or id → the one in scope (not dissolved), or
    /// why not.
    async fn roster_orgs(&self, caller: &Caller, rows: &[RosterRow]) -> Result<HashMap<OrgRef, Result<i64, String>>> {
        let refs: HashSet<OrgRef> = rows.iter().map(|r| r.fields.org.clone()).collect();
        let scope = self.store.org_scope(caller).await?;
        let mut out = HashMap::new();
        let refs: Vec<OrgRef> = refs.into_iter().collect();
        for chunk in refs.chunks(CHUNK) {
            let names: Vec<&str> =
                chunk.iter().filter_map(|r| if let OrgRef::Name(n) = r { Some(n.as_str()) } else { None }).collect();
            let ids: Vec<i64> =
                chunk.iter().filter_map(|r| if let OrgRef::Id(i) = r { Some(*i) } else { None }).collect();
            let named =
                Condition::any().add(party_org::Column::Name.is_in(names)).add(party_org::Column::Id.is_in(ids));
            let all: Vec<party_org::Model> =
                party_org::Entity::find().filter(named.clone()).all(self.store.db()).await?;
            let mine: HashSet<i64> = party_org::Entity::find()
                .select_only()
                .column(party_org::Column::Id)
                .filter(Condition::all().add(scope.clone()).add(named))
                .into_tuple::<i64>()
                .all(self.store.db())
                .await?
                .into_iter()
                .collect();
            for r in chunk {
                let matching: Vec<&party_org::Model> = all
                    .iter()
                    .filter(|o| match r {
                        OrgRef::Id(id) => o.id == *id,
                        OrgRef::Name(n) => &o.name == n,
                    })
                    .collect();
                let shown = match r {
                    OrgRef::Id(id) => format!("编号 {id}"),
                    OrgRef::Name(n) => format!("“{n}”"),
                };
                let in_scope: Vec<&&party_org::Model> = matching.iter().filter(|o| mine.contains(&o.id)).collect();
                let found = match (matching.is_empty(), in_scope.as_slice()) {
                    (true, _) => Err(format!("所属党组织：{shown}不存在，请写组织全称")),
                    (false, []) => Err(format!("所属党组织：{shown}不在您的权限范围内")),
                    (false, [o]) if o.dissolved_on.is_some() => Err(format!("所属党组织：{shown}已撤销")),
                    (false, [o]) => Ok(o.id),
                    (false, _) => Err(format!("所属党组织：{shown}有多个同名组织，请写组织全称以区分")),
                };
                out.insert(r.clone(), found);
            }
        }
        Ok(out)
    }

    /// New members of a roster in one INSERT, then their `member.create` lines in another,
    /// each line naming its member's id (matched by the ID number's blind index, unique).
    async fn insert_new_members(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        caller: &Caller,
        new: Vec<(member::ActiveModel, String, String)>,
    ) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let (rows, lines): (Vec<_>, Vec<_>) = new.into_iter().map(|(row, bidx, what)| (row, (bidx, what))).unzip();
        member::Entity::insert_many(rows).exec_without_returning(txn).await?;
        // Their ids, by the blind index (SQLite's INSERT … RETURNING is not in our build).
        let bidxs: Vec<&str> = lines.iter().map(|(b, _)| b.as_str()).collect();
        let ids: HashMap<String, i64> = member::Entity::find()
            .select_only()
            .column(member::Column::IdNumberBidx)
            .column(member::Column::Id)
            .filter(member::Column::IdNumberBidx.is_in(bidxs))
            .into_tuple::<(Option<String>, i64)>()
            .all(txn)
            .await?
            .into_iter()
            .filter_map(|(b, id)| b.map(|b| (b, id)))
            .collect();
        let lines = lines.into_iter().map(|(bidx, what)| (ids.get(&bidx).map(i64::to_string), what)).collect();
        self.store.audit().record_many_on(txn, caller, "member.create", "member", lines).await
    }

    /// Saves the good rows of a roster in one transaction (each new or changed member with its
    /// audit line) and names every refused row by its line. `rejects` are the file's own.
    pub async fn import_roster(
        &self,
        caller: &Caller,
        rows: Vec<RosterRow>,
        source: &str,
        rejects: Vec<RosterReject>,
        is_demo: bool,
    ) -> Result<RosterImport> {
        self.store.require(caller, Action::WriteMembers)?;
        let mut out = RosterImport { rejects, ..Default::default() };
        let crypto = self.store.crypto();
        let today = self.store.today();
        let orgs = self.roster_orgs(caller, &rows).await?;
        let orgs_in_scope: HashSet<i64> = party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .filter(self.store.org_scope(caller).await?)
            .into_tuple::<i64>()
            .all(self.store.db())
            .await?
            .into_iter()
            .collect();
        // Each row checked against the others and the register: (row, org, blind index).
        let mut good: Vec<(RosterRow, i64, String)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for row in rows {
            let f = &row.fields;
            let Some(idn) = &f.id_number else {
                out.rejects.push(RosterReject {
                    line: row.line,
                    reason: "身份证号码：导入时必填（用于识别同一党员，重复导入不会重复登记）".into(),
                });
                continue;
            };
            let bidx = crypto.blind_index(idn.as_str());
            if let Some(first) = seen.get(&bidx) {
                out.rejects
                    .push(RosterReject { line: row.line, reason: format!("身份证号码：与第{first}行重复") });
                continue;
            }
            if f.joined_on > today {
                out.rejects
                    .push(RosterReject {
                        line: row.line, reason: format!("入党日期：{} 晚于今天", f.joined_on)
                    });
                continue;
            }
            let org = match orgs.get(&f.org) {
                Some(Ok(id)) => *id,
                Some(Err(reason)) => {
                    out.rejects.push(RosterReject { line: row.line, reason: reason.clone() });
                    continue;
                }
                None => continue,
            };
            seen.insert(bidx.clone(), row.line);
            good.push((row, org, bidx));
        }
        let mut existing: HashMap<String, member::Model> = HashMap::new();
        let keys: Vec<String> = good.iter().map(|(_, _, b)| b.clone()).collect();
        for chunk in keys.chunks(CHUNK) {
            for m in member::Entity::find()
                .filter(member::Column::IdNumberBidx.is_in(chunk.to_vec()))
                .all(self.store.db())
                .await?
            {
                if let Some(b) = m.id_number_bidx.clone() {
                    existing.insert(b, m);
                }
            }
        }
        let unit_names: Vec<String> = good
            .iter()
            .filter_map(|(r, _, _)| r.fields.work_unit.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut units: HashMap<String, i64> = HashMap::new();
        for chunk in unit_names.chunks(CHUNK) {
            let found: Vec<(i64, String)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::Name)
                .filter(unit::Column::Name.is_in(chunk.to_vec()))
                .into_tuple()
                .all(self.store.db())
                .await?;
            for (id, name) in found {
                units.entry(name).or_insert(id);
            }
        }
        let txn = self.store.db().begin().await?;
        // New members go in batches, each one INSERT of the rows and one of their audit
        // lines (one statement per row made a roster of 100,000 take 36 s).
        let mut new: Vec<(member::ActiveModel, String, String)> = Vec::new();
        for (row, org, bidx) in good {
            let f = row.fields;
            let phone_bidx = f.phone.as_ref().map(|p| crypto.blind_index(p.as_str()));
            let work_unit_id = f.work_unit.as_ref().and_then(|n| units.get(n).copied());
            match existing.remove(&bidx) {
                Some(m) if !orgs_in_scope.contains(&m.party_org_id) => out.rejects.push(RosterReject {
                    line: row.line,
                    reason: "身份证号码：该党员的组织关系在您权限范围以外的党组织，不能在此修改（如需转入请办理组织关系转接）"
                        .into(),
                }),
                Some(m) => {
                    let same = m.name == f.name
                        && m.gender == f.gender
                        && m.birth_date == f.birth_date
                        && m.education == f.education
                        && m.category == f.category
                        && m.joined_on == f.joined_on
                        && m.standing == f.standing
                        && m.party_org_id == org
                        && m.work_unit_name == f.work_unit
                        && (phone_bidx.is_none() || m.phone_bidx == phone_bidx);
                    if same {
                        out.unchanged += 1;
                        continue;
                    }
                    let (id, old_org) = (m.id, m.party_org_id);
                    let mut a: member::ActiveModel = m.into();
                    a.gender = Set(f.gender);
                    a.birth_date = Set(f.birth_date);
                    self.set_phone(&mut a, &f);
                    self.set_fields(&mut a, &f, org, work_unit_id);
                    a.update(&txn).await?;
                    let moved = if old_org == org { "" } else { "，所属党组织已变更" };
                    self.store
                        .audit()
                        .record_on(
                            &txn,
                            caller,
                            "member.update",
                            "member",
                            Some(id.to_string()),
                            format!("导入“{source}”第{}行更新党员“{}”（{}{moved}）", row.line, f.name, f.standing.label()),
                        )
                        .await?;
                    out.updated += 1;
                }
                None => {
                    let row_data = self.new_row(&f, org, work_unit_id, is_demo);
                    let what = format!("导入“{source}”第{}行登记党员“{}”（{}）", row.line, f.name, f.standing.label());
                    new.push((row_data, bidx, what));
                    out.imported += 1;
                    if new.len() == NEW_BATCH {
                        self.insert_new_members(&txn, caller, std::mem::take(&mut new)).await?;
                    }
                }
            }
        }
        self.insert_new_members(&txn, caller, new).await?;
        let refused = out.rejects.len();
        self.store
            .audit()
            .record_on(
                &txn,
                caller,
                "member.import",
                "member",
                None,
                format!(
                    "导入党员名册“{source}”：新增{}，更新{}，未变{}，拒绝{refused}",
                    out.imported, out.updated, out.unchanged
                ),
            )
            .await?;
        txn.commit().await?;
        out.rejects.sort_by_key(|r| r.line);
        Ok(out)
    }
}
