//! A cluster committee's structure read from the organisation tree — the "1+8" of 正泰: the
//! head enterprise's committee (with its own branches) and the member branches, each placed
//! under the cluster committee in the registry — and whether the committee is a formal one
//! or an activity-type one (活动型, Jinshan's pilots), which is its organisation's 组建方式.
//! Nothing here is typed twice: the formula is counted from the tree; the cluster's typed
//! text stays only where nothing is placed under the committee.
//!
//! Also the district facts of the reports (`region_facts`), as the bodies' index shows them.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::bodies::structure_formula;
use qunlian_domain::registry::OrgForm;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{cluster_member, party_org, party_org_unit, region_fact};
use crate::{Result, StoreError};

/// An organisation directly under the cluster committee, with its own branches.
#[derive(Clone, Debug, Serialize)]
pub struct StructureNode {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    /// The unit the organisation is built on, if any.
    pub unit: Option<String>,
    /// The organisations under it (not dissolved), by name.
    pub children: Vec<(i64, String)>,
}

/// The cluster committee's structure from the tree.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterStructure {
    pub cluster_id: i64,
    pub cluster: String,
    /// The committee (id, name), when the cluster has one.
    pub committee: Option<(i64, String)>,
    /// True for an activity-type committee (活动型党组织), false for a formal one.
    pub activity_type: bool,
    /// "实体型" or "活动型", as pages show it.
    pub form_label: &'static str,
    /// Counted from the tree ("1+8"); None when nothing is placed under the committee.
    pub formula: Option<String>,
    /// The text typed on the cluster's form, shown only when the tree says nothing.
    pub typed: Option<String>,
    /// Organisations of head enterprises (龙头企业) under the committee.
    pub heads: Vec<StructureNode>,
    /// The other organisations under the committee (member branches).
    pub members: Vec<StructureNode>,
    /// Organisations of member enterprises not (yet) placed under the committee, by name.
    pub unplaced: Vec<(i64, String)>,
}

/// How a committee's organisation form is shown: 活动型 or 实体型.
pub fn form_label(form: Option<OrgForm>) -> &'static str {
    match form {
        Some(OrgForm::Activity) => "活动型",
        Some(_) => "实体型",
        None => "未登记集群党组织",
    }
}

/// A fact or figure of a region from the reports.
#[derive(Clone, Debug, Serialize)]
pub struct RegionFact {
    pub id: i64,
    pub region_code: String,
    pub region: String,
    pub text: String,
    pub source: Option<String>,
    pub is_demo: bool,
}

impl Bodies<'_> {
    /// The structure of a cluster the caller sees, from the organisation tree.
    pub async fn cluster_structure(self, caller: &Caller, cluster_id: i64) -> Result<ClusterStructure> {
        let c = self.cluster_in_scope(caller, cluster_id).await?;
        let db = self.store.db();
        let mut out = ClusterStructure {
            cluster_id: c.id,
            cluster: c.name.clone(),
            committee: None,
            activity_type: false,
            form_label: form_label(None),
            formula: None,
            typed: c.structure.clone(),
            heads: Vec::new(),
            members: Vec::new(),
            unplaced: Vec::new(),
        };
        let Some(committee) = c.committee_org_id else { return Ok(out) };
        let Some(committee) = party_org::Entity::find_by_id(committee).one(db).await? else { return Ok(out) };
        out.activity_type = committee.form == OrgForm::Activity;
        out.form_label = form_label(Some(committee.form));
        let memberships = cluster_member::Entity::find()
            .filter(cluster_member::Column::ClusterId.eq(c.id))
            .filter(cluster_member::Column::LeftOn.is_null())
            .all(db)
            .await?;
        let head_units: Vec<i64> = memberships.iter().filter(|m| m.role == "head").map(|m| m.unit_id).collect();
        let under = party_org::Entity::find()
            .filter(party_org::Column::ParentId.eq(committee.id))
            .filter(party_org::Column::DissolvedOn.is_null())
            .order_by_asc(party_org::Column::Name)
            .all(db)
            .await?;
        let grandchildren = party_org::Entity::find()
            .filter(party_org::Column::ParentId.is_in(under.iter().map(|o| o.id).collect::<Vec<_>>()))
            .filter(party_org::Column::DissolvedOn.is_null())
            .order_by_asc(party_org::Column::Name)
            .all(db)
            .await?;
        let unit_names = self.store.unit_names(under.iter().filter_map(|o| o.unit_id).collect()).await?;
        let mut placed: Vec<i64> = vec![committee.id];
        for o in under {
            placed.push(o.id);
            let node = StructureNode {
                id: o.id,
                kind: o.kind.label(),
                unit: o.unit_id.and_then(|u| unit_names.get(&u).cloned()),
                children: {
                    let mut c: Vec<(i64, String)> = grandchildren
                        .iter()
                        .filter(|g| g.parent_id == Some(o.id))
                        .map(|g| (g.id, g.name.clone()))
                        .collect();
                    c.sort_by(|x, y| qunlian_domain::text::natural_cmp(&x.1, &y.1));
                    c
                },
                name: o.name,
            };
            if o.unit_id.is_some_and(|u| head_units.contains(&u)) {
                out.heads.push(node);
            } else {
                out.members.push(node);
            }
        }
        placed.extend(grandchildren.iter().map(|g| g.id));
        out.formula = structure_formula(out.heads.len(), out.members.len());
        // Member enterprises' organisations that sit elsewhere in the tree.
        let member_units: Vec<i64> = memberships.iter().map(|m| m.unit_id).collect();
        let orgs_of_members: Vec<i64> = party_org_unit::Entity::find()
            .filter(party_org_unit::Column::UnitId.is_in(member_units))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.party_org_id)
            .collect();
        out.unplaced = party_org::Entity::find()
            .filter(party_org::Column::Id.is_in(orgs_of_members))
            .filter(party_org::Column::Id.is_not_in(placed))
            .filter(party_org::Column::DissolvedOn.is_null())
            .order_by_asc(party_org::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .filter(|o| o.parent_id.is_none_or(|p| !out.heads.iter().chain(&out.members).any(|n| n.id == p)))
            .map(|o| (o.id, o.name))
            .collect();
        out.committee = Some((committee.id, committee.name));
        Ok(out)
    }

    /// The facts of the regions the caller works in: an area admin those of its area and of
    /// the regions above it; everyone else who reads the registry all of them. By region, in
    /// the order recorded.
    pub async fn region_facts(self, caller: &Caller) -> Result<Vec<RegionFact>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let rows = region_fact::Entity::find()
            .order_by_asc(region_fact::Column::RegionCode)
            .order_by_asc(region_fact::Column::Id)
            .all(self.store.db())
            .await?;
        let mine = |code: &str| match &caller.scope {
            Scope::Region(r) => {
                let r = r.to_string();
                r.starts_with(code) || code.starts_with(&r)
            }
            _ => true,
        };
        Ok(rows
            .into_iter()
            .filter(|f| mine(&f.region_code))
            .map(|f| RegionFact {
                region: RegionCode::parse(&f.region_code)
                    .map(|r| r.full_name())
                    .unwrap_or_else(|_| f.region_code.clone()),
                id: f.id,
                region_code: f.region_code,
                text: f.text,
                source: f.source,
                is_demo: f.is_demo,
            })
            .collect())
    }

    /// Records a fact of a region of the caller's area (the demo loads the reports' ones).
    pub async fn add_region_fact(
        self,
        caller: &Caller,
        region: &RegionCode,
        text: &str,
        source: Option<&str>,
        demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::Import)?;
        let code = region.to_string();
        if !Self::area_holds(caller, &code) {
            return Err(StoreError::invalid("地区", format!("{}不在您的管辖范围内", region.full_name())));
        }
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 500 {
            return Err(StoreError::invalid("内容", "不能为空，且不超过500字"));
        }
        let row = region_fact::ActiveModel {
            region_code: Set(code),
            text: Set(text.to_owned()),
            source: Set(source.map(str::to_owned)),
            ..Default::default()
        };
        let saved = self
            .store
            .insert_stamped(caller, row, demo, |f| {
                Change::new("region_fact.add", "region_fact", f.id, format!("{}：{}", region.full_name(), f.text))
            })
            .await?;
        Ok(saved.id)
    }
}
