//! The demo district: Songjiang's clusters, named enterprises and structures from the source
//! reports (crates/cli/demo/songjiang.json), plus generated enterprises so that lists and
//! figures have realistic size. Every record it writes is marked `is_demo`.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId, UserId};
use qunlian_domain::registry::{EnterpriseInput, OfficerRole, OrgForm, OrgKind, PairingKind, SrdiLevel, UnitKind};
use qunlian_domain::{IndustryCode, RegionCode, Uscc};
use qunlian_store::Store;
use qunlian_store::accounts::NewUser;
use qunlian_store::registry::{IMPORT_BATCH, NewCluster, NewOfficer, NewOrg};
use serde::Deserialize;

use crate::AnyResult;
use crate::config::Config;

pub(crate) const SPEC: &str = include_str!("../demo/songjiang.json");
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
    #[serde(default)]
    region_code: Option<String>,
}

#[derive(Deserialize)]
struct OrgSpec {
    name: String,
    kind: OrgKind,
    #[serde(default)]
    form: Option<OrgForm>,
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
    srdi: Option<SrdiLevel>,
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
    role: OfficerRole,
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
    generated_industry_codes: Vec<String>,
    #[serde(default)]
    member_regions: Vec<String>,
    #[serde(default)]
    officers: Vec<OfficerSpec>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    facts: Vec<FactSpec>,
    /// 活动型 for Jinshan's pilots; a formal committee otherwise.
    #[serde(default)]
    committee_form: Option<OrgForm>,
    /// Branches under the head enterprise's committee (正泰电气: 15).
    #[serde(default)]
    head_branches: u32,
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
    kind: PairingKind,
    a: String,
    b: String,
    #[serde(default)]
    started_on: Option<NaiveDate>,
    #[serde(default)]
    content: String,
}

/// A stable, valid USCC for a named demo unit: the same key always gives the same code, so
/// the demo can be re-seeded without duplicates.
pub(crate) fn demo_uscc(prefix: &str, region: &str, key: &str) -> Result<Uscc, String> {
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

/// A cluster committee set up as a 党总支 is named so; otherwise it is a 党委.
fn committee_kind(name: &str) -> OrgKind {
    if name.contains("总支") {
        OrgKind::GeneralBranch
    } else if name.ends_with("支部") {
        OrgKind::Branch
    } else {
        OrgKind::Committee
    }
}

/// The town a record sits in: a town code as given, or the first town of a larger region.
fn town_of(code: Option<&str>, fallback: RegionCode) -> Result<RegionCode, String> {
    let region = match code {
        Some(c) => RegionCode::parse(c).map_err(|e| e.to_string())?,
        None => fallback,
    };
    let mut r = region;
    while r.level() != qunlian_domain::region::RegionLevel::Town {
        let first = r.children().next();
        r = first.ok_or_else(|| format!("{} has no towns", region.full_name()))?;
    }
    Ok(r)
}

/// The word an enterprise name of this industry ends in, before 有限公司.
fn trade_word(industry: Option<&IndustryCode>) -> &'static str {
    let division: u32 = industry.and_then(|i| i.as_str().get(..2)).and_then(|d| d.parse().ok()).unwrap_or(0);
    match division {
        1..=5 => "生态农业",
        13..=15 => "食品",
        26 => "新材料",
        27 => "生物医药",
        29..=30 => "新材料",
        33..=34 => "机械",
        35..=37 => "装备",
        38 => "电气",
        39 => "电子",
        40 => "仪器",
        61..=62 => "旅游发展",
        63..=65 => "信息技术",
        73..=75 => "科技",
        _ => "实业",
    }
}

/// Members beyond the named ones, so that a cluster has the size its report gives: placed
/// in the cluster's member regions (across provinces where it has them), in its industries.
fn generated_members(c: &ClusterSpec) -> Result<Vec<EnterpriseInput>, String> {
    const WORDS: [&str; 24] = [
        "恒通", "博远", "瑞丰", "华创", "鼎新", "启明", "安泰", "宏达", "精诚", "嘉禾", "远航", "协力", "新元", "润泽",
        "天衡", "中科", "汇智", "卓越", "信诚", "永盛", "凯越", "同济", "联创", "明德",
    ];
    let regions: Vec<&str> = if c.member_regions.is_empty() {
        vec![c.town_code.as_str()]
    } else {
        c.member_regions.iter().map(String::as_str).collect()
    };
    let mut out = Vec::new();
    for i in 0..c.generated_members as usize {
        let town =
            town_of(Some(regions[i % regions.len()]), RegionCode::parse(&c.town_code).map_err(|e| e.to_string())?)?;
        let industry = c
            .generated_industry_codes
            .get(i % c.generated_industry_codes.len().max(1))
            .and_then(|s| IndustryCode::parse(s).ok());
        let place = if town.to_string().starts_with("31") {
            "上海".to_owned()
        } else {
            // Outside Shanghai a firm carries its county's or city's name.
            let county = town.parent().map(|p| p.name().to_owned()).unwrap_or_default();
            county.trim_end_matches(['县', '市', '区']).to_owned()
        };
        let key = format!("{}-{i}", c.key);
        let hash = key.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let word = WORDS[(hash % WORDS.len() as u64) as usize];
        let word2 = WORDS[((hash >> 29) % WORDS.len() as u64) as usize];
        out.push(EnterpriseInput {
            name: format!("{place}{word}{word2}{}有限公司", trade_word(industry.as_ref())),
            uscc: demo_uscc("91", &town.to_string(), &key)?,
            town,
            park: None,
            industry,
            employees: Some(20 + (hash % 480) as u32),
            high_tech: hash % 5 == 0,
            above_scale: hash % 4 == 0,
            srdi: if hash % 11 == 0 { SrdiLevel::Municipal } else { SrdiLevel::None },
            listed: false,
            key_project: false,
            founded_on: NaiveDate::from_ymd_opt(
                2000 + (hash % 22) as i32,
                1 + (hash % 12) as u32,
                1 + (hash % 28) as u32,
            ),
            address: None,
            contact_name: None,
            contact_phone: None,
        });
    }
    Ok(out)
}

pub async fn prepare(config: &Config, reset: bool, generated: u64) -> AnyResult<Store> {
    let path = config.data_dir.join("demo.sqlite");
    if reset && config.database.starts_with("sqlite:") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        // The search index is derived from the database thrown away.
        let _ = std::fs::remove_dir_all(&config.index_dir);
    }
    let store = config.open_store().await?;
    if store.accounts().user_count().await? > 0 {
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
        ("zhujing", "金山区朱泾镇管理员（综合工作党委：名誉村主任跟踪）"),
        ("chint", "正泰启迪智慧能源集群党委书记"),
        ("zhuangbei", "新桥现代装备产业集群党委书记（要素对接、牵线）"),
        ("leader", "领导（只读）"),
        ("sysadmin", "系统管理员（用户管理）"),
        ("auditor", "安全审计员（审计日志）"),
        ("jingwei", "区经委店小二（企业服务工单）"),
        ("jwhead", "区经委部门负责人（超期工单督办）"),
        ("qiye", "企业联络员（上海昱章电气成套设备有限公司）"),
        ("zhibu", "企业党支部书记（上海昱章电气成套设备有限公司党支部，党员名册）"),
        ("zuzhibu_ps", "区委组织部评审专家（深度融合项目评审）"),
        ("jingwei_ps", "区经委评审专家（深度融合项目评审）"),
        ("kewei_ps", "区科委评审专家（深度融合项目评审）"),
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
        store.registry().create_park(&sys, &p.name, &town, None).await?;
    }
    let park_names: HashMap<&str, &str> = spec.parks.iter().map(|p| (p.key.as_str(), p.name.as_str())).collect();

    // Government departments are units too: part-time deputy secretaries are seconded from
    // them, and alliances join them with enterprises.
    for d in &spec.departments {
        let input = EnterpriseInput {
            industry: IndustryCode::parse("S").ok(),
            ..EnterpriseInput::new(
                d.name.clone(),
                demo_uscc("11", d.region_code.as_deref().unwrap_or(&district.to_string()), &d.key)?,
                town_of(d.region_code.as_deref(), district)?,
            )
        };
        units.insert(d.key.clone(), store.registry().create_unit(&sys, input, UnitKind::Government, true).await?);
    }

    let mut orgs_to_make: Vec<(UnitId, &OrgSpec, String, &str)> = Vec::new();
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
            srdi: e.srdi.unwrap_or_default(),
            listed: e.listed,
            key_project: e.key_project,
            founded_on: e.founded_on,
            address: None,
            contact_name: None,
            contact_phone: None,
        };
        let id = store.registry().create_unit(&sys, input, UnitKind::Enterprise, true).await?;
        units.insert(e.key.clone(), id);
        if let Some(o) = &e.party_org {
            orgs_to_make.push((id, o, e.town_code.clone(), e.key.as_str()));
        }
    }
    // Generated enterprises go through the real import path: CSV → reader → importer.
    let mut csv = Vec::new();
    qunlian_io::synth::gen_enterprises(generated, 2026, district, &mut csv)?;
    let reader = qunlian_io::enterprises::EnterpriseReader::from_bytes("demo.csv", csv, district)?;
    let (generated_lines, generated_rows): (Vec<usize>, Vec<EnterpriseInput>) =
        reader.filter_map(Result::ok).map(|r| (r.line, r.input)).unzip();
    let mut import = store.registry().begin_import(&sys, "演示数据（合成企业）", true).await?;
    for (rows, lines) in generated_rows.chunks(IMPORT_BATCH).zip(generated_lines.chunks(IMPORT_BATCH)) {
        import.add(rows, lines).await?;
    }
    import.commit(0).await?;
    let mut tree = crate::demo_structure::Tree::default();
    let mut first_cluster: Option<ClusterId> = None;
    let mut cluster_ids: HashMap<String, ClusterId> = HashMap::new();
    for c in &spec.clusters {
        let town = RegionCode::parse(&c.town_code).map_err(|e| format!("demo cluster {}: {e}", c.key))?;
        let committee = store
            .registry()
            .create_org(
                &sys,
                NewOrg {
                    name: c.name.clone(),
                    kind: committee_kind(&c.name),
                    form: c.committee_form.unwrap_or(OrgForm::Independent),
                    parent: None,
                    units: Vec::new(),
                    town_code: Some(c.town_code.clone()),
                    secretary_name: c
                        .officers
                        .iter()
                        .find(|o| o.role == OfficerRole::Secretary)
                        .map(|o| o.name.clone()),
                    members_count: None,
                    established_on: c.established_on.unwrap_or(today),
                    is_demo: true,
                },
            )
            .await?;
        let id = store
            .registry()
            .create_cluster(
                &sys,
                NewCluster {
                    name: c.name.clone(),
                    short_name: c.short.clone().unwrap_or_else(|| c.name.clone()),
                    industry_focus: c.industry_focus.clone(),
                    industry_codes: c.industry_codes.clone(),
                    town,
                    // Counted from the organisation tree (`bodies().cluster_structure`), not typed.
                    structure: None,
                    committee: Some(committee),
                    description: c.description.clone(),
                    established_on: c.established_on,
                    is_demo: true,
                },
            )
            .await?;
        first_cluster.get_or_insert(id);
        cluster_ids.insert(c.key.clone(), id);
        tree.cluster(committee, &c.heads, &c.members, c.head_branches);
        let mut generated_units = Vec::new();
        for (keys, head) in [(&c.heads, true), (&c.members, false)] {
            for k in keys {
                if let Some(u) = units.get(k) {
                    store.registry().add_cluster_member(&sys, id, *u, head, c.established_on).await?;
                }
            }
        }
        for member in generated_members(c)? {
            let u = store.registry().create_unit(&sys, member, UnitKind::Enterprise, true).await?;
            store.registry().add_cluster_member(&sys, id, u, false, c.established_on).await?;
            generated_units.push(u);
        }
        // The member branches a structure such as "1+8" counts, beyond the named members.
        tree.member_branches(store, committee, c.structure.as_deref(), &generated_units, &c.town_code).await?;
        for r in &c.member_regions {
            if let Ok(region) = RegionCode::parse(r) {
                store.registry().add_cluster_region(&sys, id, &region).await?;
            }
        }
        for o in &c.officers {
            store
                .registry()
                .add_cluster_officer(
                    &sys,
                    id,
                    NewOfficer {
                        name: o.name.clone(),
                        role: o.role,
                        title: o.title.clone().unwrap_or_default(),
                        seconded_from: o.seconded_from.as_ref().and_then(|k| units.get(k)).copied(),
                        phone: None,
                        since: c.established_on,
                    },
                )
                .await?;
        }
        for f in &c.facts {
            store.registry().add_cluster_note(&sys, id, &f.text, f.seed.as_deref()).await?;
        }
    }
    let mut rosters: Vec<(String, String, i32)> = Vec::new();
    for (unit, o, town, key) in orgs_to_make {
        if let Some(n) = o.members {
            let unit_name = store.registry().enterprise(&sys, unit).await?.name;
            rosters.push((o.name.clone(), unit_name, n));
        }
        let org = store
            .registry()
            .create_org(
                &sys,
                NewOrg {
                    name: o.name.clone(),
                    kind: o.kind,
                    form: o.form.unwrap_or(OrgForm::Independent),
                    // A named member's organisation sits under its cluster committee (the "1+8").
                    parent: tree.committee_of(key),
                    units: vec![unit],
                    town_code: Some(town),
                    secretary_name: None,
                    members_count: o.members,
                    established_on: o.established_on.unwrap_or(today),
                    is_demo: true,
                },
            )
            .await?;
        tree.org_made(key, org);
    }

    tree.head_branches(store).await?;
    crate::demo_structure::seed_region_facts(store).await?;
    for a in &spec.alliances {
        let members: Vec<UnitId> = a.members.iter().filter_map(|k| units.get(k)).copied().collect();
        store.registry().create_alliance(&sys, &a.name, &a.description, a.established_on, &members, true).await?;
    }
    for p in &spec.pairings {
        let Some(a) = units.get(&p.a) else { continue };
        let b = units.get(&p.b).copied();
        let b_name = if b.is_none() { Some(p.b.as_str()) } else { None };
        store.registry().create_pairing(&sys, p.kind, *a, b, b_name, p.started_on, &p.content, true).await?;
    }

    crate::demo_coverage::seed(store, &sys, today).await?;

    let services = crate::demo_services::seed(store, district, &units).await?;

    crate::demo_policies::seed(store, &units, &cluster_ids).await?;

    crate::demo_matching::seed(store, &units, &cluster_ids).await?;

    crate::demo_projects::seed(store, &units, &cluster_ids).await?;

    crate::demo_bodies::seed(store, &cluster_ids).await?;
    crate::demo_bodies::seed_villages(store, district).await?;
    crate::demo_results::seed(store, &units, &cluster_ids).await?;
    let branch = crate::demo_people::seed(store, &sys, &rosters).await?.ok_or("demo has no branch for 支部书记")?;
    crate::demo_activities::seed(store, &cluster_ids, branch).await?;
    crate::demo_workgroups::seed(store, &cluster_ids, district).await?;
    crate::demo_instructors::seed(store, &cluster_ids, branch).await?;

    // Demo accounts, one per typical role.
    let town =
        district.find_child_by_name("新桥").or_else(|| district.children().next()).ok_or("district has no towns")?;
    let chint = cluster_ids.get("chint-energy").copied().or(first_cluster).ok_or("demo has no clusters")?;
    let zhuangbei = cluster_ids.get("xinqiao-equipment").copied().or(first_cluster).ok_or("demo has no clusters")?;
    for (username, name, role, scope) in [
        ("admin", "区委组织部（演示）", Role::DistrictAdmin, Scope::All),
        ("songjiang", "松江区组织部（演示）", Role::DistrictAdmin, Scope::Region(district)),
        ("xinqiao", "新桥镇党建办（演示）", Role::TownAdmin, Scope::Region(town)),
        ("zhujing", "朱泾镇综合工作党委（演示）", Role::TownAdmin, Scope::Region(RegionCode::parse("310116101")?)),
        ("chint", "集群党委书记（演示）", Role::ClusterSecretary, Scope::Cluster(chint)),
        ("zhuangbei", "新桥现代装备产业集群党委书记（演示）", Role::ClusterSecretary, Scope::Cluster(zhuangbei)),
        ("leader", "领导（演示）", Role::Leader, Scope::All),
        ("sysadmin", "系统管理员（演示）", Role::SystemAdmin, Scope::Nothing),
        ("auditor", "安全审计员（演示）", Role::AuditAdmin, Scope::Nothing),
        ("jingwei", "区经委店小二（演示）", Role::ServiceOfficer, Scope::Department(services.jingwei)),
        ("jwhead", "区经委部门负责人（演示）", Role::DepartmentHead, Scope::Department(services.jingwei)),
        ("qiye", "企业联络员（演示）", Role::EnterpriseContact, Scope::Enterprise(services.contact_enterprise)),
        ("zhibu", "上海昱章电气成套设备有限公司党支部书记（演示）", Role::BranchSecretary, Scope::PartyOrg(branch)),
    ] {
        demo_user(store, username, name, role, scope).await?;
    }
    Ok(())
}

/// A demo account: the shared demo password, kept at the first login.
pub async fn demo_user(store: &Store, username: &str, name: &str, role: Role, scope: Scope) -> AnyResult<UserId> {
    let new = NewUser {
        username: username.into(),
        display_name: name.into(),
        password: DEMO_PASSWORD.into(),
        role,
        scope,
        must_change_password: false,
    };
    Ok(store.accounts().create_user(&Caller::system("demo"), new).await?)
}
