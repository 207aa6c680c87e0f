//! The demo's coverage data: Songjiang's eight key-enterprise categories (“八个百分之百”
//! in three years), Party organisations and work links for part of the generated
//! enterprises with establishment dates spread over the past years, responsibility-list
//! entries for part of the gaps, and monthly snapshots recomputed from those dates. All
//! marked as demo; the snapshots say so on the page.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use qunlian_domain::auth::{Caller, UnitId};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_store::Store;
use qunlian_store::audit::Actor;
use qunlian_store::coverage::{NewAssignment, NewCategory, NewWorkLink, WorkLinkKind};
use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort, NewOrg};

use crate::AnyResult;

const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"];
const GIVEN: [&str; 12] =
    ["建国", "海燕", "志强", "丽华", "卫东", "晓梅", "国庆", "文杰", "秀英", "振华", "春梅", "立新"];

/// A stable pseudo-random number from an id, so the demo is the same on every machine.
fn mix(id: i64, salt: u64) -> u64 {
    let mut x = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

fn instructor(id: i64) -> String {
    let h = mix(id, 7);
    format!("{}{}（演示）", SURNAMES[(h % 12) as usize], GIVEN[((h / 12) % 12) as usize])
}

pub async fn seed(store: &Store, sys: &Caller, today: NaiveDate) -> AnyResult<()> {
    let deadline = NaiveDate::from_ymd_opt(2027, 12, 31);
    let mut categories = Vec::new();
    for (i, (name, rule)) in qunlian_domain::coverage::SONGJIANG_CATEGORIES.iter().enumerate() {
        let new = NewCategory {
            name: (*name).to_owned(),
            rule: (*rule).to_owned(),
            target_pct: 100.0,
            deadline,
            position: i as i32 + 1,
            is_demo: true,
        };
        categories.push(store.coverage().save_category(sys, None, new).await?);
    }

    // The key enterprises that have no organisation yet.
    let mut key: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for c in &categories {
        let filter = EnterpriseFilter { category: Some(*c), has_org: Some(false), ..Default::default() };
        for e in store.registry().all_enterprises(sys, &filter, EnterpriseSort::Name, false).await? {
            key.insert(e.id.0, (e.name, e.town_code));
        }
    }

    let days_back = |id: i64, span: i64| Duration::days((mix(id, 3) % span as u64) as i64 + 1);
    let mut joint_waiting: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut uncovered = Vec::new();
    for (&id, (name, town)) in &key {
        let unit = UnitId(id);
        match mix(id, 1) % 100 {
            0..=54 => {
                let on = today - days_back(id, 1400);
                store
                    .registry()
                    .create_org(sys, org(format!("{name}党支部"), OrgForm::Independent, vec![unit], town, on))
                    .await?;
            }
            55..=66 => {
                let group = joint_waiting.entry(town.clone()).or_default();
                group.push(id);
                if group.len() == 3 {
                    let members: Vec<UnitId> = group.drain(..).map(UnitId).collect();
                    let on = today - days_back(id, 900);
                    let n = mix(id, 5) % 90 + 1;
                    let name = format!("{}联合党支部（第{n}）", qunlian_store::registry::town_name(town));
                    store.registry().create_org(sys, org(name, OrgForm::Joint, members, town, on)).await?;
                }
            }
            67..=76 => {
                let link = NewWorkLink {
                    unit,
                    kind: WorkLinkKind::Instructor,
                    instructor_name: Some(instructor(id)),
                    party_org: None,
                    since: today - days_back(id, 700),
                    note: None,
                    is_demo: true,
                };
                store.coverage().add_work_link(sys, link).await?;
            }
            77..=78 => {
                // A branch that stood for years and was dissolved in the last two months.
                let on = today - Duration::days(1500);
                let o = store
                    .registry()
                    .create_org(sys, org(format!("{name}党支部"), OrgForm::Independent, vec![unit], town, on))
                    .await?;
                store.registry().dissolve_org(sys, o, today - days_back(id, 60), "企业迁出本区（演示）").await?;
                uncovered.push((id, town.clone()));
            }
            _ => uncovered.push((id, town.clone())),
        }
    }
    // Enterprises left waiting for a joint branch partner are uncovered for now.
    uncovered
        .extend(joint_waiting.into_iter().flat_map(|(town, ids)| ids.into_iter().map(move |id| (id, town.clone()))));

    for (id, town) in uncovered.iter().filter(|(id, _)| !mix(*id, 9).is_multiple_of(3)) {
        let due = today + Duration::days((mix(*id, 11) % 240) as i64 - 60);
        let new = NewAssignment {
            unit: UnitId(*id),
            responsible_unit: format!("{}党建办", qunlian_store::registry::town_name(town)),
            instructor_name: Some(instructor(*id)),
            due_on: due,
            note: None,
            is_demo: true,
        };
        store.coverage().create_assignment(sys, new).await?;
    }

    // Monthly snapshots of the past year, recomputed from the dated records above.
    let mut month = NaiveDate::from_ymd_opt(today.year() - 1, today.month(), 1).unwrap_or(today);
    while month < today {
        store.coverage().take_snapshot(Actor::from(sys), month, "scheduled", true).await?;
        month = month.checked_add_months(chrono::Months::new(1)).unwrap_or(today);
    }
    Ok(())
}

fn org(name: String, form: OrgForm, units: Vec<UnitId>, town: &str, on: NaiveDate) -> NewOrg {
    NewOrg {
        name,
        kind: OrgKind::Branch,
        form,
        parent: None,
        units,
        town_code: Some(town.to_owned()),
        secretary_name: None,
        members_count: None,
        established_on: on,
        is_demo: true,
    }
}
