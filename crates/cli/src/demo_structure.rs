//! The demo's organisation tree under the cluster committees, so that a structure such as
//! 正泰's "1+8" is counted from the tree (`bodies().cluster_structure`), never typed: each
//! named member's organisation sits under its (first) cluster committee; a cluster whose
//! report gives a structure "h+m" gets member branches on its generated members up to m; a
//! head enterprise's committee gets the branches its report counts (正泰电气: 15; their names
//! are the demo's). And the district facts of the reports (`region_facts` of songjiang.json).
//! Every record is marked demo.

use std::collections::HashMap;

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, OrgId, UnitId};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_store::Store;
use qunlian_store::registry::NewOrg;
use serde::Deserialize;

use crate::AnyResult;

#[derive(Default)]
pub struct Tree {
    /// The committee each named enterprise's organisation goes under (its first cluster).
    committee_of: HashMap<String, OrgId>,
    /// Named members (not heads) per committee.
    named_members: HashMap<OrgId, usize>,
    /// Head enterprises whose committee gets branches: (head key, how many).
    heads: Vec<(String, u32)>,
    /// The organisations made for named enterprises, by key.
    orgs: HashMap<String, OrgId>,
}

fn branch(name: String, parent: OrgId, units: Vec<UnitId>, town: Option<String>) -> NewOrg {
    NewOrg {
        name,
        kind: OrgKind::Branch,
        form: OrgForm::Independent,
        parent: Some(parent),
        units,
        town_code: town,
        secretary_name: None,
        members_count: None,
        established_on: chrono::NaiveDate::from_ymd_opt(2018, 7, 1).unwrap_or_default(),
        is_demo: true,
    }
}

impl Tree {
    /// A cluster's committee with its named heads and members.
    pub fn cluster(&mut self, committee: OrgId, heads: &[String], members: &[String], head_branches: u32) {
        for k in heads.iter().chain(members) {
            self.committee_of.entry(k.clone()).or_insert(committee);
        }
        *self.named_members.entry(committee).or_default() += members.len();
        if let (Some(h), true) = (heads.first(), head_branches > 0) {
            self.heads.push((h.clone(), head_branches));
        }
    }

    pub fn committee_of(&self, key: &str) -> Option<OrgId> {
        self.committee_of.get(key).copied()
    }

    pub fn org_made(&mut self, key: &str, org: OrgId) {
        self.orgs.insert(key.to_owned(), org);
    }

    /// Member branches on generated members, up to the m of a structure "h+m".
    pub async fn member_branches(
        &self,
        store: &Store,
        committee: OrgId,
        structure: Option<&str>,
        generated: &[UnitId],
        town: &str,
    ) -> AnyResult<()> {
        let Some(m) = structure.and_then(|s| s.split_once('+')).and_then(|(_, m)| m.trim().parse::<usize>().ok())
        else {
            return Ok(());
        };
        let sys = Caller::system("demo");
        let wanted = m.saturating_sub(self.named_members.get(&committee).copied().unwrap_or(0));
        for u in generated.iter().take(wanted) {
            let name = format!("{}党支部", store.registry().enterprise(&sys, *u).await?.name);
            store.registry().create_org(&sys, branch(name, committee, vec![*u], Some(town.to_owned()))).await?;
        }
        Ok(())
    }

    /// The branches under each head enterprise's committee, as many as its report counts.
    pub async fn head_branches(&self, store: &Store) -> AnyResult<()> {
        let sys = Caller::system("demo");
        for (key, n) in &self.heads {
            let Some(org) = self.orgs.get(key).copied() else { continue };
            let head = store.registry().party_org(&sys, org).await?;
            let stem = head.org.name.trim_end_matches("党委").to_owned();
            for i in 1..=*n {
                store.registry().create_org(&sys, branch(format!("{stem}第{i}党支部"), org, Vec::new(), None)).await?;
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct FactsSpec {
    #[serde(default)]
    region_facts: Vec<FactSpec>,
}

#[derive(Deserialize)]
struct FactSpec {
    region_code: String,
    text: String,
    #[serde(default)]
    seed: Option<String>,
}

/// The district facts the demo file holds, each with the report it comes from.
pub async fn seed_region_facts(store: &Store) -> AnyResult<()> {
    let spec: FactsSpec = serde_json::from_str(crate::demo::SPEC)?;
    let sys = Caller::system("demo");
    for f in spec.region_facts {
        let region = RegionCode::parse(&f.region_code).map_err(|e| format!("demo fact {}: {e}", f.region_code))?;
        let source = f.seed.map(|s| format!("报道{s}"));
        store.bodies().add_region_fact(&sys, &region, &f.text, source.as_deref(), true).await?;
    }
    Ok(())
}
