//! The data of the members bench (#13), written in bulk: the enterprises through the real
//! import, one independent branch per enterprise, four cluster committees and clusters per
//! town through the store (as a town sets them up), then members, activities, the units
//! taking part and the named attendances by INSERT … SELECT over a generated series — the
//! rows the forms and the roster import would write, without a million round trips. The ID
//! numbers and phones are real ciphertexts (a thousand of them, reused); each member's blind
//! index is unique, as the register's is.

use std::path::Path;
use std::time::Instant;

use qunlian_domain::RegionCode;
use qunlian_domain::activities::ActivityKind;
use qunlian_domain::auth::{Caller, OrgId};
use qunlian_domain::people::{Education, MemberCategory};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_store::Store;
use qunlian_store::registry::{NewCluster, NewOrg};

use crate::{AnyResult, import};

/// Members per branch.
pub const PER_ORG: u64 = 50;
/// Named attendances per activity.
pub const PER_ACTIVITY: u64 = 20;
/// Clusters in each town (ids consecutive per town: a unit joins the one of its id mod 4).
pub const CLUSTERS_PER_TOWN: i64 = 4;
/// Surnames and given-name characters the names are made of.
pub const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞红建文晓婷鹏辉宇浩凯瑞";
const STAMP: &str = "'2026-12-01 00:00:00+00:00'";

/// Raw SQL on the bench's own connection, for the bulk writes and EXPLAIN.
pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Raw {
    pub async fn exec(&self, sql: &str) -> AnyResult<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await?.rows_affected(),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await?.rows_affected(),
        })
    }

    pub async fn scalar(&self, sql: &str) -> AnyResult<i64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
        })
    }

    pub async fn strings(&self, sql: &str) -> AnyResult<Vec<String>> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await?,
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await?,
        })
    }

    /// A FROM item of the integers 0..n as column `i`.
    fn series(&self, n: u64, alias: &str) -> String {
        let last = n.saturating_sub(1);
        match self {
            Raw::Sqlite(_) => format!(
                "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {last}) SELECT i FROM s) AS {alias}"
            ),
            Raw::Pg(_) => format!("generate_series(0, {last}) AS {alias}(i)"),
        }
    }

    /// The date `days` (an SQL expression) after `base`.
    fn day(&self, base: &str, days: &str) -> String {
        match self {
            Raw::Sqlite(_) => format!("date('{base}', '+' || ({days}) || ' days')"),
            Raw::Pg(_) => format!("(DATE '{base}' + CAST({days} AS INTEGER))"),
        }
    }
}

/// What was generated: the id ranges the benchmarks read.
pub struct Generated {
    pub towns: Vec<RegionCode>,
    pub clusters: Vec<i64>,
    pub org_names: Vec<String>,
    pub members: u64,
    pub activities: u64,
    pub attendances: u64,
}

/// A CASE over `i % n` giving each code in turn.
fn cycle(i: &str, codes: &[&str]) -> String {
    let arms: String = codes.iter().enumerate().map(|(k, c)| format!(" WHEN {k} THEN '{c}'")).collect();
    format!("CASE {i} % {}{arms} END", codes.len())
}

pub async fn generate(
    label: &str,
    store: &Store,
    raw: &Raw,
    csv: &Path,
    members: u64,
    attendances: u64,
) -> AnyResult<Generated> {
    let sys = Caller::system("bench");
    let district = RegionCode::parse("310117")?;
    let t = Instant::now();
    let units = import(store, csv, district).await?;
    raw.exec(&format!(
        "INSERT INTO party_orgs (name, kind, form, parent_id, unit_id, town_code, secretary_name, members_count, \
         established_on, dissolved_on, is_demo, created_at, updated_at) \
         SELECT name || '党支部', '{branch}', '{independent}', NULL, id, town_code, NULL, NULL, '2020-07-01', NULL, \
         FALSE, {STAMP}, {STAMP} FROM units WHERE kind = 'enterprise' ORDER BY id",
        branch = OrgKind::Branch.code(),
        independent = OrgForm::Independent.code(),
    ))
    .await?;
    raw.exec(
        "INSERT INTO party_org_units (party_org_id, unit_id, since) \
         SELECT id, unit_id, '2020-07-01' FROM party_orgs WHERE unit_id IS NOT NULL",
    )
    .await?;
    let org_min = raw.scalar("SELECT MIN(id) FROM party_orgs").await?;
    let orgs = raw.scalar("SELECT COUNT(*) FROM party_orgs").await?;
    if raw.scalar("SELECT MAX(id) FROM party_orgs").await? != org_min + orgs - 1 {
        return Err("members bench: the branches' ids are not consecutive".into());
    }
    // Four cluster committees and clusters per town, through the store.
    let mut towns = Vec::new();
    for code in raw.strings("SELECT DISTINCT town_code FROM units ORDER BY town_code").await? {
        towns.push(RegionCode::parse(&code)?);
    }
    let mut clusters = Vec::new();
    for town in &towns {
        for k in 0..CLUSTERS_PER_TOWN {
            let name = format!("{}基准集群{}", town.full_name(), k + 1);
            let org = store
                .registry()
                .create_org(
                    &sys,
                    NewOrg {
                        name: format!("{name}党委"),
                        kind: OrgKind::Committee,
                        form: OrgForm::Activity,
                        parent: None,
                        units: vec![],
                        town_code: Some(town.to_string()),
                        secretary_name: None,
                        members_count: None,
                        established_on: chrono::NaiveDate::from_ymd_opt(2022, 7, 1).ok_or("date")?,
                        is_demo: false,
                    },
                )
                .await?;
            let id = store
                .registry()
                .create_cluster(
                    &sys,
                    NewCluster {
                        name: name.clone(),
                        short_name: name,
                        industry_focus: "智能制造".into(),
                        industry_codes: vec![],
                        town: *town,
                        structure: None,
                        committee: Some(OrgId(org.0)),
                        description: String::new(),
                        established_on: None,
                        is_demo: false,
                    },
                )
                .await?;
            clusters.push(id.0);
        }
    }
    // Two enterprises in three belong to a cluster of their town.
    raw.exec(&format!(
        "INSERT INTO cluster_members (cluster_id, unit_id, role, joined_on, left_on) \
         SELECT c.id, u.id, 'member', '2024-01-01', NULL FROM units u \
         JOIN clusters c ON c.town_code = u.town_code AND c.id % {CLUSTERS_PER_TOWN} = u.id % {CLUSTERS_PER_TOWN} \
         WHERE u.kind = 'enterprise' AND u.id % 3 <> 0"
    ))
    .await?;
    println!(
        "members     {label:<9} {units} enterprises, {orgs} branches, {} clusters: {:.1} s",
        clusters.len(),
        t.elapsed().as_secs_f64()
    );

    // The members: each branch PER_ORG of them (member i in branch i mod orgs).
    let t = Instant::now();
    raw.exec(
        "CREATE TABLE bench_secrets (k integer PRIMARY KEY, id_enc varchar, phone_enc varchar, phone_bidx varchar)",
    )
    .await?;
    let crypto = store.crypto();
    let mut values = Vec::new();
    for k in 0..1000u32 {
        let id = qunlian_domain::IdNumber::from_body(&format!("31011719800101{k:03}"))?;
        let phone = format!("139{:08}", k);
        values.push(format!(
            "({k}, '{}', '{}', '{}')",
            crypto.encrypt(id.as_str()),
            crypto.encrypt(&phone),
            crypto.blind_index(&phone)
        ));
    }
    raw.exec(&format!("INSERT INTO bench_secrets (k, id_enc, phone_enc, phone_bidx) VALUES {}", values.join(",")))
        .await?;
    let categories: Vec<&str> = MemberCategory::ALL.iter().map(|c| c.code()).collect();
    let education: Vec<&str> = Education::ALL.iter().map(|c| c.code()).collect();
    let written = raw
        .exec(&format!(
            "INSERT INTO members (name, id_number_enc, id_number_bidx, phone_enc, phone_bidx, gender, birth_date, \
             education, category, joined_on, standing, party_org_id, work_unit_id, work_unit_name, is_demo, \
             created_at, updated_at) \
             SELECT substr('{SURNAMES}', i % 20 + 1, 1) || substr('{GIVEN}', (i / 20) % 40 + 1, 1) \
             || substr('{GIVEN}', (i / 800) % 40 + 1, 1), \
             b.id_enc, 'bench-' || i, b.phone_enc, b.phone_bidx, \
             CASE WHEN i % 2 = 0 THEN 'male' ELSE 'female' END, {birth}, {edu}, {cat}, {joined}, \
             CASE WHEN i % 10 = 0 THEN 'probationary' ELSE 'full' END, {org_min} + i % {orgs}, NULL, NULL, FALSE, \
             {STAMP}, {STAMP} FROM {series} JOIN bench_secrets b ON b.k = i % 1000",
            birth = raw.day("1960-01-01", "i % 15000"),
            edu = cycle("i", &education),
            cat = cycle("(i / 7)", &categories),
            joined = raw.day("1985-01-01", "i % 14000"),
            series = raw.series(members, "s"),
        ))
        .await?;
    raw.exec("DROP TABLE bench_secrets").await?;
    println!("members     {label:<9} {written} members written in {:.1} s", t.elapsed().as_secs_f64());

    // Activities of the branches (four in five) and of the cluster committees, over 2025 and
    // 2026, each with PER_ACTIVITY named members of the organiser attending.
    let t = Instant::now();
    let n_act = attendances / PER_ACTIVITY;
    let by_clusters = n_act / 5;
    let kinds = |k: &[ActivityKind]| k.iter().map(|c| c.code()).collect::<Vec<_>>();
    let stamp_cols = "subject, held_on, place, headcount, named, minutes, recorded_by, is_demo, created_at, updated_at";
    raw.exec(&format!(
        "INSERT INTO activities (organiser_kind, organiser_id, cluster_id, town_code, kind, {stamp_cols}) \
         SELECT 'org', o.id, NULL, o.town_code, {kind}, '基准组织生活', {held}, '党员活动室', {PER_ACTIVITY}, TRUE, '', \
         'bench', FALSE, {STAMP}, {STAMP} FROM {series} JOIN party_orgs o ON o.id = {org_min} + i % {orgs}",
        kind = cycle(
            "i",
            &kinds(&[
                ActivityKind::BranchCommittee,
                ActivityKind::BranchAssembly,
                ActivityKind::PartyLecture,
                ActivityKind::ThemeDay,
                ActivityKind::PartyHistory,
            ])
        ),
        held = raw.day("2025-01-01", "i % 700"),
        series = raw.series(n_act - by_clusters, "s"),
    ))
    .await?;
    let cluster_min = clusters.first().copied().unwrap_or(0);
    raw.exec(&format!(
        "INSERT INTO activities (organiser_kind, organiser_id, cluster_id, town_code, kind, {stamp_cols}) \
         SELECT 'cluster', c.id, c.id, c.town_code, {kind}, '基准集群活动', {held}, '集群党群服务站', {PER_ACTIVITY}, \
         TRUE, '', 'bench', FALSE, {STAMP}, {STAMP} FROM {series} JOIN clusters c ON c.id = {cluster_min} + i % {n}",
        kind = cycle(
            "i",
            &kinds(&[ActivityKind::Seminar, ActivityKind::MutualVisit, ActivityKind::Matching, ActivityKind::Training])
        ),
        held = raw.day("2025-01-01", "(i * 7) % 700"),
        series = raw.series(by_clusters, "s"),
        n = clusters.len().max(1),
    ))
    .await?;
    raw.exec(
        "INSERT INTO activity_units (activity_id, unit_id) \
         SELECT a.id, o.unit_id FROM activities a JOIN party_orgs o ON o.id = a.organiser_id \
         WHERE a.organiser_kind = 'org' AND o.unit_id IS NOT NULL",
    )
    .await?;
    let member_min = raw.scalar("SELECT MIN(id) FROM members").await?;
    let per_org = (members / orgs.max(1) as u64).max(PER_ACTIVITY);
    let attended = raw
        .exec(&format!(
            "INSERT INTO activity_attendees (activity_id, member_id) \
             SELECT a.id, {member_min} + (CASE WHEN a.organiser_kind = 'org' THEN a.organiser_id - {org_min} \
             ELSE a.id % {orgs} END) + {orgs} * ((a.id / {orgs} + k.i) % {per_org}) \
             FROM activities a CROSS JOIN {series}",
            series = raw.series(PER_ACTIVITY, "k"),
        ))
        .await?;
    println!(
        "members     {label:<9} {n_act} activities, {attended} attendances written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    match raw {
        Raw::Sqlite(_) => raw.exec("ANALYZE").await?,
        Raw::Pg(_) => raw.exec("VACUUM ANALYZE").await?,
    };
    println!("members     {label:<9} statistics (ANALYZE) in {:.1} s", t.elapsed().as_secs_f64());
    // A roster names its branch; enterprises of one name (the synthetic register has a few)
    // give branches a roster cannot tell apart, so the roster uses the others.
    let org_names = raw
        .strings(&format!(
            "SELECT name FROM party_orgs WHERE kind = '{}' GROUP BY name HAVING COUNT(*) = 1 ORDER BY MIN(id)",
            OrgKind::Branch.code()
        ))
        .await?;
    Ok(Generated { towns, clusters, org_names, members: written, activities: n_act, attendances: attended })
}
