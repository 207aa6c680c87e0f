//! Industry clusters (产业集群党委): members, officers, notes, regions and edits.

use chrono::NaiveDate;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, ClusterId, OrgId, Scope, UnitId};
use qunlian_domain::registry::OfficerRole;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::*;
use super::{industry_name, mask_phone, town_name};
use crate::audit::Change;
use crate::entity::{cluster, cluster_member, cluster_note, cluster_officer, cluster_region, party_org, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Cluster {
    pub id: ClusterId,
    pub name: String,
    pub short_name: String,
    pub industry_focus: String,
    pub town_name: String,
    pub structure: Option<String>,
    pub heads: Vec<String>,
    pub members: u64,
    pub established_on: Option<NaiveDate>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterMember {
    pub unit_id: i64,
    pub name: String,
    pub role: &'static str,
    pub is_head: bool,
    pub town_name: String,
    pub industry: Option<String>,
    pub joined_on: Option<NaiveDate>,
    /// Set for former members, who stay in the cluster's history.
    pub left_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterOfficer {
    pub name: String,
    pub role: &'static str,
    pub title: String,
    pub seconded_from: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterDetail {
    pub cluster: Cluster,
    pub description: String,
    pub industry_codes: Vec<(String, String)>,
    pub committee: Option<(i64, String)>,
    pub members: Vec<ClusterMember>,
    /// Members that left, most recent first.
    pub former_members: Vec<ClusterMember>,
    pub officers: Vec<ClusterOfficer>,
    /// Regions with members, with their full names; several provinces for 毗邻党建 clusters.
    pub regions: Vec<(String, String)>,
    pub notes: Vec<(String, Option<String>)>,
}

#[derive(Clone, Debug)]
pub struct NewCluster {
    pub name: String,
    pub short_name: String,
    pub industry_focus: String,
    pub industry_codes: Vec<String>,
    pub town: RegionCode,
    pub structure: Option<String>,
    pub committee: Option<OrgId>,
    pub description: String,
    pub established_on: Option<NaiveDate>,
    pub is_demo: bool,
}

/// What the cluster's edit page changes: its profile, not its members or committee.
#[derive(Clone, Debug)]
pub struct ClusterEdit {
    pub name: String,
    pub short_name: String,
    pub industry_focus: String,
    pub industry_codes: Vec<String>,
    pub structure: Option<String>,
    /// The cluster's Party committee (集群党委), one of the caller's organisations.
    pub committee: Option<OrgId>,
    pub description: String,
    pub established_on: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct NewOfficer {
    pub name: String,
    pub role: OfficerRole,
    pub title: String,
    pub seconded_from: Option<UnitId>,
    pub phone: Option<qunlian_domain::Phone>,
    pub since: Option<NaiveDate>,
}

impl Registry<'_> {
    pub async fn list_clusters(self, caller: &Caller, q: Option<&str>) -> Result<Vec<Cluster>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let mut cond = Condition::all().add(self.store.cluster_scope(caller).await?);
        if let Some(q) = crate::shared::search_text(q)? {
            cond = cond.add(
                Condition::any().add(cluster::Column::Name.contains(q)).add(cluster::Column::IndustryFocus.contains(q)),
            );
        }
        let rows = cluster::Entity::find().filter(cond).order_by_asc(cluster::Column::Id).all(self.store.db()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            out.push(self.cluster_summary(m).await?);
        }
        Ok(out)
    }

    async fn cluster_summary(self, m: cluster::Model) -> Result<Cluster> {
        let members = cluster_member::Entity::find()
            .filter(cluster_member::Column::ClusterId.eq(m.id))
            .filter(cluster_member::Column::LeftOn.is_null())
            .count(self.store.db())
            .await?;
        let head_ids: Vec<i64> = cluster_member::Entity::find()
            .filter(cluster_member::Column::ClusterId.eq(m.id))
            .filter(cluster_member::Column::Role.eq("head"))
            .filter(cluster_member::Column::LeftOn.is_null())
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|h| h.unit_id)
            .collect();
        let heads = unit::Entity::find()
            .filter(unit::Column::Id.is_in(head_ids))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|u| u.name)
            .collect();
        Ok(Cluster {
            id: ClusterId(m.id),
            town_name: town_name(&m.town_code),
            name: m.name,
            short_name: m.short_name,
            industry_focus: m.industry_focus,
            structure: m.structure,
            heads,
            members,
            established_on: m.established_on,
            is_demo: m.is_demo,
        })
    }

    pub async fn cluster(self, caller: &Caller, id: ClusterId) -> Result<ClusterDetail> {
        self.store.require(caller, Action::ReadRegistry)?;
        let cond = Condition::all().add(self.store.cluster_scope(caller).await?).add(cluster::Column::Id.eq(id.0));
        let m = cluster::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let description = m.description.clone();
        let industry_codes = m
            .industry_codes
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| (c.to_owned(), industry_name(Some(c)).unwrap_or_default()))
            .collect();
        let committee = match m.committee_org_id {
            Some(o) => party_org::Entity::find_by_id(o).one(self.store.db()).await?.map(|o| (o.id, o.name)),
            None => None,
        };
        let memberships = cluster_member::Entity::find()
            .filter(cluster_member::Column::ClusterId.eq(m.id))
            .all(self.store.db())
            .await?;
        let units: std::collections::HashMap<i64, unit::Model> = unit::Entity::find()
            .filter(unit::Column::Id.is_in(memberships.iter().map(|x| x.unit_id).collect::<Vec<_>>()))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let all: Vec<ClusterMember> = memberships
            .iter()
            .filter_map(|x| {
                let u = units.get(&x.unit_id)?;
                Some(ClusterMember {
                    unit_id: u.id,
                    name: u.name.clone(),
                    is_head: x.role == "head",
                    role: if x.role == "head" { "龙头企业" } else { "成员单位" },
                    town_name: RegionCode::parse(&u.town_code).map(|r| r.full_name()).unwrap_or_default(),
                    industry: industry_name(u.industry_code.as_deref()),
                    joined_on: x.joined_on,
                    left_on: x.left_on,
                })
            })
            .collect();
        let (mut former_members, mut members): (Vec<ClusterMember>, Vec<ClusterMember>) =
            all.into_iter().partition(|m| m.left_on.is_some());
        members.sort_by(|a, b| b.is_head.cmp(&a.is_head).then_with(|| a.name.cmp(&b.name)));
        former_members.sort_by(|a, b| b.left_on.cmp(&a.left_on).then_with(|| a.name.cmp(&b.name)));
        let mut officers = Vec::new();
        for o in cluster_officer::Entity::find()
            .filter(cluster_officer::Column::ClusterId.eq(m.id))
            .order_by_asc(cluster_officer::Column::Id)
            .all(self.store.db())
            .await?
        {
            let seconded_from = match o.seconded_from {
                Some(u) => unit::Entity::find_by_id(u).one(self.store.db()).await?.map(|u| u.name),
                None => None,
            };
            let phone = o.phone_enc.as_deref().map(|enc| {
                self.store.crypto().decrypt(enc).map(|p| mask_phone(&p)).unwrap_or_else(|_| "（无法解密）".into())
            });
            officers.push(ClusterOfficer { name: o.name, role: o.role.label(), title: o.title, seconded_from, phone });
        }
        let regions = cluster_region::Entity::find()
            .filter(cluster_region::Column::ClusterId.eq(m.id))
            .order_by_asc(cluster_region::Column::RegionCode)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|r| {
                let full =
                    RegionCode::parse(&r.region_code).map(|c| c.full_name()).unwrap_or_else(|_| r.region_code.clone());
                (r.region_code, full)
            })
            .collect();
        let notes = cluster_note::Entity::find()
            .filter(cluster_note::Column::ClusterId.eq(m.id))
            .order_by_asc(cluster_note::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|n| (n.text, n.source))
            .collect();
        Ok(ClusterDetail {
            cluster: self.cluster_summary(m).await?,
            description,
            industry_codes,
            committee,
            members,
            former_members,
            officers,
            regions,
            notes,
        })
    }

    pub async fn create_cluster(self, caller: &Caller, new: NewCluster) -> Result<ClusterId> {
        self.store.require(caller, Action::Import)?; // district and town administrators set clusters up
        let structure = new.structure.as_deref().unwrap_or("");
        qunlian_domain::free_text::cluster(
            &new.name,
            &new.short_name,
            &new.industry_focus,
            structure,
            &new.description,
        )?;
        if new.name.trim().is_empty() {
            return Err(StoreError::invalid("集群名称", "不能为空"));
        }
        let now = self.store.now();
        let row = cluster::ActiveModel {
            name: Set(new.name.trim().to_owned()),
            short_name: Set(if new.short_name.trim().is_empty() {
                new.name.trim().to_owned()
            } else {
                new.short_name.trim().to_owned()
            }),
            industry_focus: Set(new.industry_focus),
            industry_codes: Set(new.industry_codes.join(",")),
            town_code: Set(new.town.to_string()),
            structure: Set(new.structure),
            committee_org_id: Set(new.committee.map(|c| c.0)),
            description: Set(new.description),
            established_on: Set(new.established_on),
            is_demo: Set(new.is_demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let m = self
            .store
            .insert_recorded(caller, row, |m| {
                Change::new("cluster.create", "cluster", m.id, format!("建立集群“{}”", m.name))
            })
            .await?;
        Ok(ClusterId(m.id))
    }

    /// Adds an enterprise the caller can see to a cluster the caller can see.
    pub async fn add_cluster_member(
        self,
        caller: &Caller,
        id: ClusterId,
        unit_id: UnitId,
        head: bool,
        joined_on: Option<NaiveDate>,
    ) -> Result<()> {
        let detail = self.cluster_for_write(caller, id).await?;
        let u = self.store.unit_in_scope(caller, unit_id).await?;
        if detail.members.iter().any(|m| m.unit_id == u.id) {
            return Err(StoreError::invalid("成员单位", format!("“{}”已是本集群成员", u.name)));
        }
        let line = format!("“{}”加入“{}”", u.name, detail.cluster.name);
        self.store
            .recorded(
                caller,
                async |txn| {
                    cluster_member::Entity::delete_many()
                        .filter(cluster_member::Column::ClusterId.eq(id.0))
                        .filter(cluster_member::Column::UnitId.eq(u.id))
                        .exec(txn)
                        .await?;
                    cluster_member::ActiveModel {
                        cluster_id: Set(id.0),
                        unit_id: Set(u.id),
                        role: Set(if head { "head" } else { "member" }.to_owned()),
                        joined_on: Set(joined_on),
                        left_on: Set(None),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    if let Ok(region) = RegionCode::parse(&u.town_code) {
                        Self::reach_region(txn, id, &region).await?;
                    }
                    Ok(())
                },
                |_| Change::new("cluster.member.add", "cluster", id, line),
            )
            .await
    }

    /// Records that a member left; the membership stays in history with its dates.
    pub async fn remove_cluster_member(
        self,
        caller: &Caller,
        id: ClusterId,
        unit_id: UnitId,
        on: NaiveDate,
    ) -> Result<()> {
        let detail = self.cluster_for_write(caller, id).await?;
        // A town sees a cluster through its own members; it may let only those go.
        let u = self.store.unit_in_scope(caller, unit_id).await?;
        let Some(m) = cluster_member::Entity::find()
            .filter(cluster_member::Column::ClusterId.eq(id.0))
            .filter(cluster_member::Column::UnitId.eq(unit_id.0))
            .filter(cluster_member::Column::LeftOn.is_null())
            .one(self.store.db())
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        if m.joined_on.is_some_and(|j| on < j) {
            return Err(StoreError::invalid("退出日期", "不能早于加入日期"));
        }
        let mut a: cluster_member::ActiveModel = m.into();
        a.left_on = Set(Some(on));
        let line = format!("“{}”于{}退出“{}”", u.name, on.format("%Y-%m-%d"), detail.cluster.name);
        self.store.update_recorded(caller, a, "cluster.member.remove", ("cluster", id.0), line).await?;
        Ok(())
    }

    pub async fn add_cluster_officer(self, caller: &Caller, id: ClusterId, o: NewOfficer) -> Result<()> {
        let detail = self.cluster_for_write(caller, id).await?;
        if o.name.trim().is_empty() {
            return Err(StoreError::invalid("姓名", "不能为空"));
        }
        let row = cluster_officer::ActiveModel {
            cluster_id: Set(id.0),
            name: Set(o.name.trim().to_owned()),
            role: Set(o.role),
            title: Set(o.title),
            seconded_from: Set(o.seconded_from.map(|u| u.0)),
            phone_enc: Set(o.phone.as_ref().map(|p| self.store.crypto().encrypt(p.as_str()))),
            phone_bidx: Set(o.phone.as_ref().map(|p| self.store.crypto().blind_index(p.as_str()))),
            since: Set(o.since),
            ..Default::default()
        };
        let detail = format!("“{}”增加{}{}", detail.cluster.name, o.role.label(), o.name);
        self.store.insert_recorded(caller, row, |_| Change::new("cluster.officer.add", "cluster", id, detail)).await?;
        Ok(())
    }

    pub async fn add_cluster_note(
        self,
        caller: &Caller,
        id: ClusterId,
        text: &str,
        source: Option<&str>,
    ) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        self.cluster(caller, id).await?;
        cluster_note::ActiveModel {
            cluster_id: Set(id.0),
            text: Set(text.to_owned()),
            source: Set(source.map(str::to_owned)),
            on_date: Set(None),
            ..Default::default()
        }
        .insert(self.store.db())
        .await?;
        Ok(())
    }

    /// Records a region the cluster reaches into (毗邻党建: members across the provincial
    /// border), at any level from province to town.
    pub async fn add_cluster_region(self, caller: &Caller, id: ClusterId, region: &RegionCode) -> Result<()> {
        let detail = self.cluster_for_write(caller, id).await?;
        let line = format!("“{}”增加成员区域{}", detail.cluster.name, region.full_name());
        self.store
            .recorded_if(
                caller,
                async |txn| Self::reach_region(txn, id, region).await,
                // Adding a region twice changes nothing; the demo and the page may both do it.
                |&added| added.then(|| Change::new("cluster.region.add", "cluster", id, line)),
            )
            .await?;
        Ok(())
    }

    /// Adds `region` to the regions the cluster reaches into, unless it is there already
    /// (a new member's town, a region added by hand). True when it was added.
    async fn reach_region(txn: &sea_orm::DatabaseTransaction, id: ClusterId, region: &RegionCode) -> Result<bool> {
        let code = region.to_string();
        let known = cluster_region::Entity::find()
            .filter(cluster_region::Column::ClusterId.eq(id.0))
            .filter(cluster_region::Column::RegionCode.eq(&code))
            .one(txn)
            .await?
            .is_some();
        if !known {
            cluster_region::ActiveModel { cluster_id: Set(id.0), region_code: Set(code), ..Default::default() }
                .insert(txn)
                .await?;
        }
        Ok(!known)
    }

    /// A cluster the caller may change: it sees it, may write, and works at the level of an
    /// area or of this cluster. A branch or an enterprise sees the clusters it belongs to but
    /// does not run them.
    pub async fn cluster_for_write(self, caller: &Caller, id: ClusterId) -> Result<ClusterDetail> {
        self.store.require(caller, Action::WriteRegistry)?;
        if !matches!(caller.scope, Scope::All | Scope::Region(_) | Scope::Cluster(_)) {
            return Err(StoreError::Forbidden);
        }
        self.cluster(caller, id).await
    }

    /// A cluster whose profile the caller may change. A town may change only a cluster seated
    /// in it, not one it sees through a member.
    pub async fn cluster_for_edit(self, caller: &Caller, id: ClusterId) -> Result<ClusterDetail> {
        let detail = self.cluster_for_write(caller, id).await?;
        if let Scope::Region(r) = &caller.scope {
            let town: Option<String> = cluster::Entity::find_by_id(id.0)
                .select_only()
                .column(cluster::Column::TownCode)
                .into_tuple()
                .one(self.store.db())
                .await?;
            let seated = town.and_then(|t| RegionCode::parse(&t).ok()).is_some_and(|t| t == *r || t.is_within(r));
            if !seated {
                return Err(StoreError::Forbidden);
            }
        }
        Ok(detail)
    }

    /// Changes a cluster's profile (see [`Registry::cluster_for_edit`] for who may).
    pub async fn update_cluster(self, caller: &Caller, id: ClusterId, edit: ClusterEdit) -> Result<()> {
        self.cluster_for_edit(caller, id).await?;
        let structure = edit.structure.as_deref().unwrap_or("");
        qunlian_domain::free_text::cluster(
            &edit.name,
            &edit.short_name,
            &edit.industry_focus,
            structure,
            &edit.description,
        )?;
        let current = cluster::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let name = edit.name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("集群名称", "不能为空"));
        }
        let short_name = if edit.short_name.trim().is_empty() { name } else { edit.short_name.trim() };
        let committee_name = match edit.committee {
            Some(o) if Some(o.0) != current.committee_org_id => match self.party_org(caller, o).await {
                Ok(d) if d.org.dissolved_on.is_some() => {
                    return Err(StoreError::invalid("集群党组织", format!("“{}”已撤销", d.org.name)));
                }
                Ok(d) => Some(d.org.name),
                Err(StoreError::NotFound) => {
                    return Err(StoreError::invalid("集群党组织", "不存在，或不在您的权限范围内"));
                }
                Err(e) => return Err(e),
            },
            _ => None,
        };
        let mut changes = Vec::new();
        let mut diff = |label: &str, x: &str, y: &str| {
            if x != y {
                changes.push(format!("{label}：{x} → {y}"));
            }
        };
        diff("名称", &current.name, name);
        diff("简称", &current.short_name, short_name);
        diff("产业方向", &current.industry_focus, edit.industry_focus.trim());
        diff("行业", &current.industry_codes, &edit.industry_codes.join(","));
        diff("组织结构", current.structure.as_deref().unwrap_or(""), edit.structure.as_deref().unwrap_or(""));
        diff(
            "成立日期",
            &current.established_on.map(|d| d.to_string()).unwrap_or_default(),
            &edit.established_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        if current.description != edit.description.trim() {
            changes.push("简介已修改".to_owned());
        }
        if current.committee_org_id != edit.committee.map(|o| o.0) {
            changes.push(format!("集群党组织：{}", committee_name.as_deref().unwrap_or("（无）")));
        }
        let mut a: cluster::ActiveModel = current.into();
        a.name = Set(name.to_owned());
        a.short_name = Set(short_name.to_owned());
        a.industry_focus = Set(edit.industry_focus.trim().to_owned());
        a.industry_codes = Set(edit.industry_codes.join(","));
        a.structure = Set(edit.structure.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()));
        a.committee_org_id = Set(edit.committee.map(|o| o.0));
        a.description = Set(edit.description.trim().to_owned());
        a.established_on = Set(edit.established_on);
        let detail = if changes.is_empty() { "无变化".to_owned() } else { changes.join("；") };
        let line = format!("修改集群“{name}”：{detail}");
        self.store.update_recorded(caller, a, "cluster.update", ("cluster", id.0), line).await?;
        Ok(())
    }
}
