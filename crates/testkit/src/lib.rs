//! Test helpers shared by every crate's integration tests.
//!
//! [`TestDb::new`] gives a fresh, migrated database: a temporary SQLite file by default, or a
//! new PostgreSQL database when `TEST_DATABASE_URL` is set (the test command sets it to a
//! throwaway server it started). [`TestApp`] runs the whole router in-process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qunlian_domain::auth::{Caller, Role, Scope, UnitId, UserId};
use qunlian_domain::clock::{Clock, FixedClock};
use qunlian_domain::matching::{ListingCategory, ListingFields, ListingKind, Reach, Urgency};
use qunlian_domain::registry::EnterpriseInput;
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_domain::services::TimeLimit;
use qunlian_domain::{RegionCode, Uscc};
use qunlian_store::accounts::NewUser;
use qunlian_store::registry::{NewCluster, NewOrg};
use qunlian_store::services::{NewServiceItem, NewServiceRequest};
use qunlian_store::{Crypto, Store};
use tower::ServiceExt;

mod accounts;
pub use accounts::{app_with_accounts, app_with_accounts_in, bearer};

pub const PASSWORD: &str = "Test@Pass2026";

pub struct TestDb {
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let clock =
            Arc::new(FixedClock::new(chrono::DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z").unwrap().into()));
        let (url, dir) = match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => (fresh_postgres(&base).await, None),
            _ => {
                let dir = tempfile::tempdir().unwrap();
                (format!("sqlite://{}", dir.path().join("test.sqlite").display()), Some(dir))
            }
        };
        let crypto = Crypto::new(&[42u8; 32]).unwrap();
        let store = Store::open_with_clock(&url, crypto, clock.clone() as Arc<dyn Clock>).await.unwrap();
        TestDb { store, clock, url, _dir: dir }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// Creates a new database on the server behind `base` and returns its URL. Databases are
/// left for the throwaway server to take with it when the test command stops it.
async fn fresh_postgres(base: &str) -> String {
    use sqlx::Connection;
    let name = format!("t_{}", hex::encode(rand::random::<[u8; 8]>()));
    let mut conn =
        sqlx::PgConnection::connect(base).await.expect("TEST_DATABASE_URL must point at a reachable PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

/// The system caller of the command line: whole deployment, district-admin powers.
pub fn system() -> Caller {
    Caller::system("test")
}

/// A valid USCC that differs for every `n`.
pub fn uscc(n: u32) -> Uscc {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut body = String::from("91310117");
    let mut x = n as u64 + 31u64.pow(8);
    for _ in 0..9 {
        body.push(ALPHABET[(x % 31) as usize] as char);
        x /= 31;
    }
    Uscc::from_body(&body).unwrap()
}

pub fn songjiang() -> RegionCode {
    RegionCode::parse("310117").unwrap()
}

/// A town of Songjiang by (part of) its name, e.g. "新桥".
pub fn town(name: &str) -> RegionCode {
    songjiang().find_child_by_name(name).unwrap_or_else(|| panic!("no town {name} in 松江区"))
}

pub fn enterprise(n: u32, name: &str, town_name: &str) -> EnterpriseInput {
    EnterpriseInput { employees: Some(50), ..EnterpriseInput::new(name, uscc(n), town(town_name)) }
}

/// Enterprises numbered 1, 2, … (`enterprise(n, name, town)` each) registered by the system:
/// the set-up most registry and scope tests begin with.
pub async fn enterprises<const N: usize>(store: &Store, firms: [(&str, &str); N]) -> [UnitId; N] {
    let mut ids = [UnitId(0); N];
    for (n, (id, (name, town_name))) in ids.iter_mut().zip(firms).enumerate() {
        let firm = enterprise(n as u32 + 1, name, town_name);
        *id = store.registry().create_enterprise(&system(), firm).await.expect("a test enterprise is registered");
    }
    ids
}

/// A 校企 pairing of an enterprise with 新桥职校 for 实训 since 2023-09-01, by the system.
pub async fn school_pairing(store: &Store, unit: UnitId) -> i64 {
    store
        .registry()
        .create_pairing(
            &system(),
            qunlian_domain::registry::PairingKind::EnterpriseSchool,
            unit,
            None,
            Some("新桥职校"),
            Some(d("2023-09-01")),
            "实训",
            false,
        )
        .await
        .expect("a test pairing is made")
}

/// A government department (a 店小二's unit) in 方松, as services and policies tests need one.
pub async fn department(store: &Store, n: u32, name: &str) -> UnitId {
    store
        .registry()
        .create_unit(&system(), enterprise(n, name, "方松"), qunlian_domain::registry::UnitKind::Government, false)
        .await
        .expect("a department is created")
}

/// A cluster in a Songjiang town with its name, short name and industry focus; the rest
/// empty. Tests set what else they need with `NewCluster { structure: …, ..cluster(…) }`.
pub fn cluster(name: &str, short_name: &str, industry_focus: &str, town_name: &str) -> NewCluster {
    NewCluster {
        name: name.into(),
        short_name: short_name.into(),
        industry_focus: industry_focus.into(),
        industry_codes: vec![],
        town: town(town_name),
        structure: None,
        committee: None,
        description: String::new(),
        established_on: None,
        is_demo: false,
    }
}

/// An independent Party branch (支部) of `units`, established 2020-07-01; the rest empty.
/// Tests set what else they need with `NewOrg { parent: …, ..org(…) }`.
pub fn org(name: &str, units: Vec<UnitId>) -> NewOrg {
    NewOrg {
        name: name.into(),
        kind: OrgKind::Branch,
        form: OrgForm::Independent,
        parent: None,
        units,
        town_code: None,
        secretary_name: None,
        members_count: None,
        established_on: d("2020-07-01"),
        is_demo: false,
    }
}

/// A listing of materials with a title, a description and a reach, of normal urgency and
/// valid until 2027-06-30; no industry or quantity.
pub fn listing(kind: ListingKind, title: &str, description: &str, reach: Reach) -> ListingFields {
    ListingFields {
        kind,
        category: ListingCategory::Material,
        title: title.into(),
        description: description.into(),
        industry: None,
        quantity: None,
        quantity_unit: None,
        urgency: Urgency::Normal,
        reach,
        valid_until: d("2027-06-30"),
    }
}

/// A catalogue item of a department with five working days, no materials and no stages.
pub fn service_item(department_id: i64, code: &str, name: &str) -> NewServiceItem {
    NewServiceItem {
        code: code.into(),
        name: name.into(),
        department_id,
        materials: vec![],
        limit: TimeLimit::WorkingDays(5),
        stages: vec![],
        is_demo: false,
    }
}

/// Saves a catalogue item as the system does (the demo, a catalogue import): its id.
pub async fn catalogue_item(store: &Store, item: NewServiceItem) -> i64 {
    store.services().save_item(&system(), item).await.expect("a catalogue item is saved")
}

/// A request for an item filed for an enterprise, without title or detail.
pub fn service_request(item_id: i64, unit: UnitId) -> NewServiceRequest {
    NewServiceRequest { item_id, unit, title: String::new(), detail: String::new(), is_demo: false }
}

pub async fn user(store: &Store, username: &str, role: Role, scope: Scope) -> Caller {
    let id = store
        .accounts()
        .create_user(
            &system(),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                role,
                scope: scope.clone(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    Caller { user_id: id, username: username.into(), role, scope, ip: None }
}

pub fn caller_id(c: &Caller) -> UserId {
    c.user_id
}

/// The whole router in-process, with a browser-like cookie jar per [`Session`].
pub struct TestApp {
    pub db: TestDb,
    pub router: axum::Router,
    /// The listings' search index, in memory; pages sync it after their own writes, tests
    /// that write through the store call [`TestApp::sync_index`].
    pub index: Arc<qunlian_search::TantivyIndex>,
}

pub struct Response {
    pub status: StatusCode,
    pub body: String,
    pub bytes: Vec<u8>,
    pub location: Option<String>,
    pub content_type: Option<String>,
}

#[derive(Clone, Default)]
pub struct Session {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(None).await
    }

    /// The app with the semantic stage on through `embedder` (a stand-in model).
    pub async fn spawn_with(embedder: Option<Arc<dyn qunlian_domain::matching::Embedder>>) -> TestApp {
        let mut db = TestDb::new().await;
        if let Some(e) = embedder {
            db.store = db.store.clone().with_embedder(e);
        }
        let index = Arc::new(qunlian_search::TantivyIndex::in_memory().unwrap());
        let state = qunlian_web::AppState::new(
            db.store.clone(),
            qunlian_web::Config {
                district: songjiang(),
                session_minutes: 30,
                secure_cookies: false,
                demo: false,
                public_url: None,
                trusted_proxies: Vec::new(),
            },
        )
        .with_index(index.clone());
        TestApp { router: qunlian_web::router(state), db, index }
    }

    /// Applies the store's recorded listing changes to the index.
    pub async fn sync_index(&self) {
        self.db.store.matching().sync_index(self.index.as_ref()).await.unwrap();
    }

    pub async fn send(&self, session: &mut Session, req: Request<Body>) -> Response {
        let mut req = req;
        if let Some(c) = &session.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        if let Some(set) = res.headers().get(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            session.cookie = Some(pair);
        }
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let content_type = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(token) = extract_csrf(&body) {
            session.csrf = Some(token);
        }
        Response { status, body, bytes, location, content_type }
    }

    pub async fn get(&self, session: &mut Session, path: &str) -> Response {
        self.send(session, Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(&mut Session::default(), req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form with the session's CSRF token added (unless `_csrf` is given).
    pub async fn post_form(&self, session: &mut Session, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        if !pairs.iter().any(|(k, _)| k == "_csrf") {
            pairs.push(("_csrf".into(), session.csrf.clone().unwrap_or_default()));
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(session, req).await
    }

    /// Posts a file as multipart/form-data field `file`, CSRF token in the query string.
    pub async fn post_file(&self, session: &mut Session, path: &str, file_name: &str, bytes: &[u8]) -> Response {
        let boundary = "----qunlianTestBoundary";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        let uri = format!("{path}{sep}_csrf={}", session.csrf.clone().unwrap_or_default());
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(session, req).await
    }

    /// Logs in through the login form, as a browser would.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let mut s = Session::default();
        self.get(&mut s, "/login").await;
        let res = self.post_form(&mut s, "/login", &[("username", username), ("password", password)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login of {username} failed: {}", res.body);
        self.get(&mut s, "/password").await; // picks up the session's CSRF token
        s
    }
}

fn extract_csrf(body: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// Dates in tests: `d("2026-11-22")`.
pub fn d(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A member record of organisation `org`: synthetic name, ID number and phone numbered `n`
/// (`qunlian_io::synth`), gender and birth date from the ID number, an industrial worker who
/// joined on 2015-07-01, working nowhere named. Tests set what else they need with
/// `MemberFields { standing: …, ..member(…) }`.
pub fn member(n: u64, org: i64) -> qunlian_domain::people::MemberFields {
    use qunlian_domain::people::{Gender, MemberCategory, MemberFields, OrgRef, Standing};
    let id = qunlian_io::synth::id_number(n);
    MemberFields {
        name: qunlian_io::synth::person_name(n),
        gender: Some(if id.is_male() { Gender::Male } else { Gender::Female }),
        birth_date: Some(id.birth_date()),
        phone: Some(qunlian_domain::Phone::parse(&format!("139{:08}", n % 100_000_000)).unwrap()),
        id_number: Some(id),
        education: None,
        category: MemberCategory::IndustrialWorker,
        joined_on: d("2015-07-01"),
        standing: Standing::Full,
        org: OrgRef::Id(org),
        work_unit: None,
    }
}
