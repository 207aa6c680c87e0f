//! The demo district: Songjiang's clusters, named enterprises and structures from the source
//! reports (crates/cli/demo/songjiang.json), plus generated enterprises so that lists and
//! figures have realistic size. Every record it writes is marked `is_demo`.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId};
use qunlian_domain::registry::{EnterpriseInput, OrgForm, OrgKind, SrdiLevel, UnitKind};
use qunlian_domain::{IndustryCode, RegionCode, Uscc};
use qunlian_store::Store;
use qunlian_store::registry::{NewCluster, NewOfficer, NewOrg};
use qunlian_store::users::NewUser;
use serde::Deserialize;

use crate::AnyResult;
use crate::config::Config;

const SPEC: &str = include_str!("../demo/songjiang.json");
pub const DEMO_PASSWORD: &str = "Demo@2026ql";

#[derive(Deserialize)]
struct Spec {
    #[serde(default)]
    parks: Vec<ParkSpec>,
    #[serde(default)]
    departments: Vec<DeptSpec>,
    #[serde(default)]
    enterprises: Vec<EntSpec>,
    #[serde(default)]
    clusters: Vec<ClusterSpec>,
    #[serde(default)]
    alliances: Vec<AllianceSpec>,
    #[serde(default)]
    pairings: Vec<PairingSpec>,
}

#[derive(Deserialize)]
struct ParkSpec {
    key: String,
    name: String,
    town_code: String,
}

#[derive(Deserialize)]
struct DeptSpec {
    key: String,
    name: String,
}

#[derive(Deserialize)]
struct OrgSpec {
    name: String,
    kind: String,
    #[serde(default)]
    form: Option<String>,
    #[serde(default)]
    established_on: Option<NaiveDate>,
    #[serde(default)]
    members: Option<i32>,
}

#[derive(Deserialize)]
struct EntSpec {
    key: String,
    name: String,
    town_code: String,
    #[serde(default)]
    park: Option<String>,
    #[serde(default)]
    industry_code: Option<String>,
    #[serde(default)]
    employees: Option<u32>,
    #[serde(default)]
    high_tech: bool,
    #[serde(default)]
    above_scale: bool,
    #[serde(default)]
    srdi: Option<String>,
    #[serde(default)]
    listed: bool,
    #[serde(default)]
    key_project: bool,
    #[serde(default)]
    founded_on: Option<NaiveDate>,
    #[serde(default)]
    party_org: Option<OrgSpec>,
}

#[derive(Deserialize)]
struct OfficerSpec {
    role: String,
    name: String,
    #[serde(default)]
    seconded_from: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize)]
struct FactSpec {
    text: String,
    #[serde(default)]
    seed: Option<String>,
}

#[derive(Deserialize)]
struct ClusterSpec {
    key: String,
    name: String,
    #[serde(default)]
    short: Option<String>,
    #[serde(default)]
    industry_focus: String,
    #[serde(default)]
    industry_codes: Vec<String>,
    town_code: String,
    #[serde(default)]
    established_on: Option<NaiveDate>,
    #[serde(default)]
    structure: Option<String>,
    #[serde(default)]
    heads: Vec<String>,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    generated_members: u32,
    #[serde(default)]
    member_regions: Vec<String>,
    #[serde(default)]
    officers: Vec<OfficerSpec>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    facts: Vec<FactSpec>,
}

#[derive(Deserialize)]
struct AllianceSpec {
    name: String,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    established_on: Option<NaiveDate>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct PairingSpec {
    kind: String,
    a: String,
    b: String,
    #[serde(default)]
    started_on: Option<NaiveDate>,
    #[serde(default)]
    content: String,
}

/// A stable, valid USCC for a named demo unit: the same key always gives the same code, so
/// the demo can be re-seeded without duplicates.
fn demo_uscc(prefix: &str, region: &str, key: &str) -> Result<Uscc, String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let digest = key.bytes().fold(1469598103934665603u64, |h, b| (h ^ u64::from(b)).wrapping_mul(1099511628211));
    let mut body = format!("{prefix}{}", &region[..6.min(region.len())]);
    let mut d = digest;
    while body.len() < 17 {
        body.push(ALPHABET[(d % 31) as usize] as char);
        d /= 31;
    }
    Uscc::from_body(&body).map_err(|e| e.to_string())
}

fn srdi(s: &Option<String>) -> SrdiLevel {
    match s.as_deref() {
        Some("innovative") => SrdiLevel::Innovative,
        Some("municipal") => SrdiLevel::Municipal,
        Some("national") => SrdiLevel::National,
        _ => SrdiLevel::None,
    }
}

fn org_kind(s: &str) -> OrgKind {
    OrgKind::from_code(s).unwrap_or(OrgKind::Branch)
}

pub async fn prepare(config: &Config, reset: bool, generated: u64) -> AnyResult<Store> {
    let path = config.data_dir.join("demo.sqlite");
    if reset && config.database.starts_with("sqlite:") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let store = config.open_store().await?;
    if store.user_count().await? > 0 {
        println!("使用已有的演示数据库（重新生成请加 --reset）");
    } else {
        seed(&store, config.district, generated).await?;
    }
    print_logins();
    Ok(store)
}

fn print_logins() {
    println!("演示账号（密码均为 {DEMO_PASSWORD}）：");
    for (user, what) in [
        ("admin", "区级管理员，全部数据"),
        ("songjiang", "松江区组织部管理员"),
        ("xinqiao", "新桥镇管理员"),
        ("chint", "正泰启迪智慧能源集群党委书记"),
        ("leader", "领导（只读）"),
        ("sysadmin", "系统管理员（用户管理）"),
        ("auditor", "安全审计员（审计日志）"),
    ] {
        println!("  {user:<10} {what}");
    }
}

pub async fn seed(store: &Store, district: RegionCode, generated: u64) -> AnyResult<()> {
    let spec: Spec = serde_json::from_str(SPEC)?;
    let sys = Caller::system("demo");
    let today = store.today();
    let mut units: HashMap<String, UnitId> = HashMap::new();

    for p in &spec.parks {
        let town = RegionCode::parse(&p.town_code).map_err(|e| format!("demo park {}: {e}", p.key))?;
        store.create_park(&sys, &p.name, &town, None).await?;
    }
    let park_names: HashMap<&str, &str> = spec.parks.iter().map(|p| (p.key.as_str(), p.name.as_str())).collect();

    // Government departments are units too: part-time deputy secretaries are seconded from
    // them, and alliances join them with enterprises.
    for d in &spec.departments {
        let input = EnterpriseInput {
            name: d.name.clone(),
            uscc: demo_uscc("11", &district.to_string(), &d.key)?,
            town: district.children().next().ok_or("district has no towns")?,
            park: None,
            industry: IndustryCode::parse("S").ok(),
            employees: None,
            high_tech: false,
            above_scale: false,
            srdi: SrdiLevel::None,
            listed: false,
            key_project: false,
            founded_on: None,
            address: None,
            contact_name: None,
            contact_phone: None,
        };
        units.insert(d.key.clone(), store.create_unit(&sys, input, UnitKind::Government, true).await?);
    }

    let mut orgs_to_make: Vec<(UnitId, &OrgSpec, String)> = Vec::new();
    for e in &spec.enterprises {
        let town = RegionCode::parse(&e.town_code).map_err(|err| format!("demo enterprise {}: {err}", e.key))?;
        let input = EnterpriseInput {
            name: e.name.clone(),
            uscc: demo_uscc("91", &e.town_code, &e.key)?,
            town,
            park: e.park.as_deref().and_then(|k| park_names.get(k)).map(|s| (*s).to_owned()),
            industry: e.industry_code.as_deref().and_then(|c| IndustryCode::parse(c).ok()),
            employees: e.employees,
            high_tech: e.high_tech,
            above_scale: e.above_scale,
            srdi: srdi(&e.srdi),
            listed: e.listed,
            key_project: e.key_project,
            founded_on: e.founded_on,
            address: None,
            contact_name: None,
            contact_phone: None,
        };
        let id = store.create_unit(&sys, input, UnitKind::Enterprise, true).await?;
        units.insert(e.key.clone(), id);
        if let Some(o) = &e.party_org {
            orgs_to_make.push((id, o, e.town_code.clone()));
        }
    }
    for (unit, o, town) in orgs_to_make {
        store
            .create_org(
                &sys,
                NewOrg {
                    name: o.name.clone(),
                    kind: org_kind(&o.kind),
                    form: o.form.as_deref().and_then(OrgForm::from_code).unwrap_or(OrgForm::Independent),
                    parent: None,
                    units: vec![unit],
                    town_code: Some(town),
                    secretary_name: None,
                    members_count: o.members,
                    established_on: o.established_on.unwrap_or(today),
                    is_demo: true,
                },
            )
            .await?;
    }

    // Generated enterprises go through the real import path: CSV → reader → importer.
    let mut csv = Vec::new();
    qunlian_io::synth::gen_enterprises(generated, 2026, district, &mut csv)?;
    let reader = qunlian_io::enterprises::EnterpriseReader::from_bytes("demo.csv", csv, district)?;
    let generated_rows: Vec<EnterpriseInput> = reader.filter_map(Result::ok).map(|r| r.input).collect();
    let mut import = store.begin_import(&sys, true).await?;
    import.add(&generated_rows).await?;
    import.commit("演示数据（合成企业）", 0).await?;
    let pool: Vec<UnitId> = {
        let page = store
            .list_enterprises(
                &sys,
                &qunlian_store::registry::EnterpriseFilter { is_demo: Some(true), ..Default::default() },
                qunlian_store::registry::EnterpriseSort::Name,
                false,
                qunlian_store::PageRequest::new(Some(1), Some(qunlian_store::PageRequest::MAX_PER_PAGE)),
            )
            .await?;
        page.items.into_iter().map(|e| e.id).filter(|id| !units.values().any(|u| u == id)).collect()
    };
    let mut pool = pool.into_iter();

    let mut first_cluster: Option<ClusterId> = None;
    let mut cluster_ids: HashMap<String, ClusterId> = HashMap::new();
    for c in &spec.clusters {
        let town = RegionCode::parse(&c.town_code).map_err(|e| format!("demo cluster {}: {e}", c.key))?;
        let committee = store
            .create_org(
                &sys,
                NewOrg {
                    name: c.name.clone(),
                    kind: OrgKind::Committee,
                    form: OrgForm::Activity,
                    parent: None,
                    units: Vec::new(),
                    town_code: Some(c.town_code.clone()),
                    secretary_name: c.officers.iter().find(|o| o.role == "secretary").map(|o| o.name.clone()),
                    members_count: None,
                    established_on: c.established_on.unwrap_or(today),
                    is_demo: true,
                },
            )
            .await?;
        let id = store
            .create_cluster(
                &sys,
                NewCluster {
                    name: c.name.clone(),
                    short_name: c.short.clone().unwrap_or_else(|| c.name.clone()),
                    industry_focus: c.industry_focus.clone(),
                    industry_codes: c.industry_codes.clone(),
                    town,
                    structure: c.structure.clone(),
                    committee: Some(committee),
                    description: c.description.clone(),
                    established_on: c.established_on,
                    is_demo: true,
                },
            )
            .await?;
        first_cluster.get_or_insert(id);
        cluster_ids.insert(c.key.clone(), id);
        for (keys, head) in [(&c.heads, true), (&c.members, false)] {
            for k in keys {
                if let Some(u) = units.get(k) {
                    store.add_cluster_member(&sys, id, *u, head, c.established_on).await?;
                }
            }
        }
        for _ in 0..c.generated_members {
            if let Some(u) = pool.next() {
                store.add_cluster_member(&sys, id, u, false, c.established_on).await?;
            }
        }
        for r in &c.member_regions {
            if let Ok(region) = RegionCode::parse(r) {
                store.add_cluster_region(&sys, id, &region).await?;
            }
        }
        for o in &c.officers {
            store
                .add_cluster_officer(
                    &sys,
                    id,
                    NewOfficer {
                        name: o.name.clone(),
                        role: o.role.clone(),
                        title: o.title.clone().unwrap_or_default(),
                        seconded_from: o.seconded_from.as_ref().and_then(|k| units.get(k)).copied(),
                        phone: None,
                        since: c.established_on,
                    },
                )
                .await?;
        }
        for f in &c.facts {
            store.add_cluster_note(&sys, id, &f.text, f.seed.as_deref()).await?;
        }
    }
    for a in &spec.alliances {
        let members: Vec<UnitId> = a.members.iter().filter_map(|k| units.get(k)).copied().collect();
        store.create_alliance(&sys, &a.name, &a.description, a.established_on, &members, true).await?;
    }
    for p in &spec.pairings {
        let Some(a) = units.get(&p.a) else { continue };
        let b = units.get(&p.b).copied();
        let b_name = if b.is_none() { Some(p.b.as_str()) } else { None };
        store.create_pairing(&sys, &p.kind, *a, b, b_name, p.started_on, &p.content, true).await?;
    }

    // Demo accounts, one per typical role.
    let town = district.find_child_by_name("新桥").or_else(|| district.children().next()).ok_or("district has no towns")?;
    let chint = cluster_ids.get("chint-energy").copied().or(first_cluster).ok_or("demo has no clusters")?;
    for (username, name, role, scope) in [
        ("admin", "区委组织部（演示）", Role::DistrictAdmin, Scope::All),
        ("songjiang", "松江区组织部（演示）", Role::DistrictAdmin, Scope::Region(district)),
        ("xinqiao", "新桥镇党建办（演示）", Role::TownAdmin, Scope::Region(town)),
        ("chint", "集群党委书记（演示）", Role::ClusterSecretary, Scope::Cluster(chint)),
        ("leader", "领导（演示）", Role::Leader, Scope::All),
        ("sysadmin", "系统管理员（演示）", Role::SystemAdmin, Scope::Nothing),
        ("auditor", "安全审计员（演示）", Role::AuditAdmin, Scope::Nothing),
    ] {
        store
            .create_user(
                &sys,
                NewUser { username: username.into(), display_name: name.into(), password: DEMO_PASSWORD.into(), role, scope, must_change_password: false },
            )
            .await?;
    }
    Ok(())
}
