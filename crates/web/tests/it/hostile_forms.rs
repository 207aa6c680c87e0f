//! Every form of every page, and every field of the API's request bodies, fed hostile values
//! (DESIGN §4: bad input gets a clear Chinese error naming the field and loses nothing; no
//! panic, stack trace or framework text reaches a user).
//!
//! Each role that opens pages GETs every page of `routes.txt` it may (paths filled as the
//! matrix fills them, over the fixture and a few records more), reads each `<form
//! method="post">` on it, and submits it once per hostile value of each field, the other
//! fields as the page gave them (CSRF token included). An upload gets an empty file and
//! garbage bytes. Every answer must be below 500, say its refusal in Chinese, carry no English
//! text of the framework, the database or a panic, and never give back a script unescaped.
//! Every violation is collected and printed before the one assertion.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope, UnitId};
use qunlian_testkit::*;

use crate::route_table::{IDENTITIES, sample, table};

/// English text of the framework, the database or a panic: never for a user.
const LEAKS: &[&str] = &[
    "Failed to deserialize",
    "failed to deserialize",
    "Failed to parse",
    "failed to parse",
    "panicked",
    "invalid digit",
    "called `Result::unwrap()`",
    "called `Option::unwrap()`",
    "Error parsing",
    "missing field",
    "unknown variant",
    "invalid type:",
    "invalid value:",
    "error returned from database",
    "SqliteError",
    "sqlx",
    "DbErr",
    "Query Error",
    "Execution Error",
    "RecordNotFound",
    "constraint failed",
    "violates",
    "duplicate key",
    "stack backtrace",
    "RUST_BACKTRACE",
    "number too large",
    "cannot parse",
    "out of range",
    "Expected request with",
];

const SCRIPT: &str = "<script>alert(1)</script>";

/// The values every field gets, the worst first.
fn worst() -> Vec<String> {
    vec![String::new(), "汉".repeat(20_001), "99999999999999999999".into(), "\0".into(), SCRIPT.into()]
}

/// The other hostile values, two of them per field in turn.
const OTHERS: &[&str] = &["-1", "1,200人", "１２", "2026/13/45", "0x10", "'; DROP TABLE units;--", "\u{FFFF}", "  "];

/// Values of the wrong type for a field that holds a record's id or a number.
const FOR_IDS: &[&str] = &["-1", "１２", "1,200人", "0x10", "abc", "1.5", "9223372036854775808"];

/// Values of the wrong type for a field that holds a date.
const FOR_DATES: &[&str] = &["2026/13/45", "2026-02-30", "0x10", "12", "2026-11-22T00:00:00", "99999-01-01"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Date,
    Number,
    Choice,
    Check,
    Hidden,
    Button,
    File,
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    value: String,
    /// Whether a browser sends it as the page gave it (an unticked box is not sent).
    sent: bool,
    kind: Kind,
    /// A select's option values.
    options: Vec<String>,
}

#[derive(Debug, Clone)]
struct Form {
    action: String,
    /// Whether the form names its action (else it posts to its page).
    explicit: bool,
    multipart: bool,
    fields: Vec<Field>,
}

/// `&amp;`, `&quot;`, `&#x27;`, `&#47;` … back to their characters.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `>` that ends the tag `s` begins with, quotes respected.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// A tag's attributes, after its name: `(name, value)`, the value None for a bare attribute.
fn attrs(s: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if start == i {
            break;
        }
        let name = s[start..i].to_ascii_lowercase();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                let v = &s[vs..i.min(b.len())];
                i += 1;
                v
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                &s[vs..i]
            };
            out.push((name, Some(unescape(value))));
        } else {
            out.push((name, None));
        }
    }
    out
}

fn attr<'a>(a: &'a [(String, Option<String>)], name: &str) -> Option<&'a str> {
    a.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.as_deref())
}

fn has(a: &[(String, Option<String>)], name: &str) -> bool {
    a.iter().any(|(k, _)| k == name)
}

/// The fields of a form's body, in order.
fn fields(body: &str) -> Vec<Field> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = body[pos..].find('<') {
        let start = pos + i;
        let tag: String = body[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let Some(end) = tag_end(&body[start..]) else { break };
        let a = attrs(&body[start + 1 + tag.len()..start + end]);
        pos = start + end + 1;
        let Some(name) = attr(&a, "name").map(str::to_owned) else { continue };
        if has(&a, "disabled") {
            continue;
        }
        let field = |value: &str, sent: bool, kind: Kind| Field {
            name: name.clone(),
            value: value.to_owned(),
            sent,
            kind,
            options: Vec::new(),
        };
        match tag.as_str() {
            "input" => {
                let ty = attr(&a, "type").unwrap_or("text").to_ascii_lowercase();
                let value = attr(&a, "value").unwrap_or("");
                out.push(match ty.as_str() {
                    "checkbox" | "radio" => {
                        field(if value.is_empty() { "on" } else { value }, has(&a, "checked"), Kind::Check)
                    }
                    "hidden" => field(value, true, Kind::Hidden),
                    "date" | "month" => field(value, true, Kind::Date),
                    "number" => field(value, true, Kind::Number),
                    "file" => field("", false, Kind::File),
                    "submit" | "image" | "button" | "reset" => field(value, false, Kind::Button),
                    _ => field(value, true, Kind::Text),
                });
            }
            "button" => {
                let ty = attr(&a, "type").unwrap_or("submit");
                if ty == "submit" {
                    out.push(field(attr(&a, "value").unwrap_or(""), false, Kind::Button));
                }
            }
            "textarea" => {
                let close = body[pos..].find("</textarea>").unwrap_or(0);
                let text = unescape(&body[pos..pos + close]);
                // The HTML parser drops one newline right after the start tag.
                let text = text.strip_prefix('\n').unwrap_or(&text).to_owned();
                out.push(field(&text, true, Kind::Text));
                pos += close;
            }
            "select" => {
                let close = body[pos..].find("</select>").unwrap_or(0);
                let inner = &body[pos..pos + close];
                pos += close;
                let mut options = Vec::new();
                let mut selected = Vec::new();
                let mut p = 0;
                while let Some(j) = inner[p..].find("<option") {
                    let s = p + j;
                    let Some(e) = tag_end(&inner[s..]) else { break };
                    let oa = attrs(&inner[s + 7..s + e]);
                    p = s + e + 1;
                    let text_end = inner[p..].find('<').map_or(inner.len(), |k| p + k);
                    let value = attr(&oa, "value").map_or_else(|| unescape(inner[p..text_end].trim()), str::to_owned);
                    if has(&oa, "selected") {
                        selected.push(value.clone());
                    }
                    if !has(&oa, "disabled") {
                        options.push(value);
                    }
                }
                let multiple = has(&a, "multiple");
                if selected.is_empty() && !multiple {
                    selected.extend(options.first().cloned());
                }
                if selected.is_empty() {
                    out.push(Field { options: options.clone(), ..field("", false, Kind::Choice) });
                }
                for v in selected {
                    out.push(Field { options: options.clone(), ..field(&v, true, Kind::Choice) });
                }
            }
            _ => {}
        }
    }
    // A browser sends the button pressed: the first named one.
    if let Some(b) = out.iter_mut().find(|f| f.kind == Kind::Button) {
        b.sent = true;
    }
    out
}

/// Every `<form method="post">` of a page; one without an action posts to the page.
fn forms(html: &str, page: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let after = &rest[i..];
        let Some(gt) = tag_end(after) else { break };
        let a = attrs(&after[5..gt]);
        let close = after.find("</form>").unwrap_or(after.len());
        let body = &after[gt.min(close)..close];
        rest = &after[(gt + 1).max(close).min(after.len())..];
        if !attr(&a, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let explicit = attr(&a, "action").is_some_and(|s| !s.is_empty());
        let action = attr(&a, "action").filter(|s| !s.is_empty()).unwrap_or(page).to_owned();
        let multipart = attr(&a, "enctype").is_some_and(|e| e.contains("multipart"));
        out.push(Form { action, explicit, multipart, fields: fields(body) });
    }
    out
}

/// What a 422 must contain to be the form shown again: its action (a form that posts to its
/// own page has none, and the page's other forms do: then any form).
fn shown_again(form: &Form) -> String {
    match &form.explicit {
        true => format!("action=\"{}\"", form.action.replace('&', "&amp;")),
        false => "<form".into(),
    }
}

/// The form's action with record numbers as `{n}` and without its query: forms repeated per
/// record (each user's 停用) are fed once.
fn shape(action: &str) -> String {
    let path = action.split('?').next().unwrap_or(action);
    path.split('/')
        .map(|seg| if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() { "{n}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn looks_like_date(name: &str, f: &Field) -> bool {
    f.kind == Kind::Date
        || name.ends_with("_on")
        || name.contains("date")
        || name.ends_with("_until")
        || name.ends_with("_from")
        || matches!(name, "on" | "from" | "to" | "due" | "day")
        || (f.value.len() == 10 && chrono::NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").is_ok())
}

fn looks_like_id(name: &str, f: &Field) -> bool {
    let numeric = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    f.kind == Kind::Number
        || name == "id"
        || name.ends_with("_id")
        || numeric(&f.value)
        || (f.kind == Kind::Choice && f.options.iter().filter(|o| !o.is_empty()).any(|o| numeric(o)))
}

/// The hostile values a field gets: the worst ones, two others in turn (`turn` counts the
/// fields fed so far), and values of the wrong type for an id, a number or a date.
fn values_for(name: &str, f: &Field, turn: usize) -> Vec<String> {
    let mut v = worst();
    for k in 0..2 {
        v.push(OTHERS[(turn * 2 + k) % OTHERS.len()].to_owned());
    }
    if looks_like_id(name, f) {
        v.extend(FOR_IDS.iter().map(|s| (*s).to_owned()));
    }
    if looks_like_date(name, f) {
        v.extend(FOR_DATES.iter().map(|s| (*s).to_owned()));
    }
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

/// A form fed once: its action with `{n}` for record numbers, and its field names.
type Key = (String, Vec<String>);

/// Fields whose refusal may stay the bare error page: hidden ids nobody types, which name the
/// page a refusal would show again, so a tampered one names no page. Each with its reason;
/// one that starts showing its form again is to be taken off.
const HIDDEN_ONLY: &[(&str, &str)] = &[
    ("POST /coverage/assignments [unit_id]", "the enterprise whose page holds the form"),
    ("POST /proposals [kind]", "the kind of proposal, which picks the form to show"),
];

#[derive(Default)]
struct Tally {
    violations: Vec<String>,
    /// 422 answered with the error page instead of the form shown again with the reason
    /// (DESIGN §4: bad input loses nothing), by form and field: a violation unless the field
    /// is one of [`HIDDEN_ONLY`].
    without_form: BTreeMap<String, usize>,
    /// The same for hidden fields of [`HIDDEN_ONLY`]: expected, listed.
    hidden_only: BTreeMap<String, usize>,
    /// A form that ends a record answered by the record's page without that form: the record
    /// ended under an earlier hostile value that went through, and an ended record shows no
    /// form to end it (the reason stands above the page). Listed, not a violation.
    ended: BTreeMap<String, usize>,
    requests: usize,
    forms: usize,
    fields: usize,
    uploads: usize,
    statuses: BTreeMap<u16, usize>,
    /// Forms whose every answer refused the role (403): not fed, left for another role.
    refused: usize,
    api_fields: usize,
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn snippet(body: &str, at: usize) -> String {
    let start = body.floor_char_boundary(at.saturating_sub(80));
    let end = body.ceil_char_boundary((at + 120).min(body.len()));
    body[start..end].replace('\n', " ")
}

fn shown(v: &str) -> String {
    let n = v.chars().count();
    if n > 24 { format!("{:?}…({n} chars)", v.chars().take(8).collect::<String>()) } else { format!("{v:?}") }
}

impl Tally {
    /// Checks one answer; `what` says who sent what where.
    fn check(&mut self, what: &str, status: StatusCode, body: &str, content_type: Option<&str>, api: bool) {
        self.requests += 1;
        *self.statuses.entry(status.as_u16()).or_default() += 1;
        let mut bad = |why: String| self.violations.push(format!("{what}: {} {why}", status.as_u16()));
        if status.is_server_error() {
            bad(format!("server error: {}", snippet(body, 0)));
        }
        // Downloads (.xlsx, .docx, PDF) are compressed bytes: only text is read for words.
        let text = content_type.is_none_or(|c| c.starts_with("text/") || c.starts_with("application/json"));
        for leak in LEAKS.iter().filter(|_| text) {
            if let Some(at) = body.find(leak) {
                bad(format!("English text {leak:?}: …{}…", snippet(body, at)));
            }
        }
        let html = content_type.is_some_and(|c| c.starts_with("text/html"));
        if let Some(at) = body.find(SCRIPT).filter(|_| html) {
            bad(format!("the script unescaped: …{}…", snippet(body, at)));
        }
        if status.is_client_error() && !has_chinese(body) {
            bad(format!("refused without a Chinese word: {}", snippet(body, 0)));
        }
        if api && status.is_client_error() {
            let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
            let ok = json.as_ref().is_some_and(|j| {
                j["code"].is_string()
                    && j["message"].as_str().is_some_and(has_chinese)
                    && j.as_object().is_some_and(|o| o.len() == 2)
            });
            if !ok || !content_type.is_some_and(|c| c.starts_with("application/json")) {
                bad(format!("not the API's {{code, message}} JSON: {}", snippet(body, 0)));
            }
        }
    }
}

/// A few records more than the matrix's fixture, so that the pages of a listing, a service
/// request, a member, an alliance, a park, a policy, a round, a pairing and an activity (each
/// number 1, as `sample` fills paths) show their forms.
async fn seed(app: &TestApp) -> i64 {
    use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
    use qunlian_domain::matching::{ListingKind, Reach};
    let s = &app.db.store;
    let sys = system();
    let org = s.registry().org_tree(&sys, None, false).await.unwrap()[0].id.0;
    let dept = department(s, 60, "上海市松江区经济委员会").await;
    let item = crate::services::agency_item(s, dept, &["营业执照"], &["拿地", "施工许可"]).await;
    s.services().file_request(&sys, service_request(item, UnitId(2))).await.unwrap();
    s.matching()
        .publish(
            &sys,
            UnitId(2),
            listing(ListingKind::Offer, "自润滑轴承", "工程机械用自润滑轴承", Reach::District),
            false,
        )
        .await
        .unwrap();
    app.sync_index().await;
    s.people().create(&sys, member(1, org), false).await.unwrap();
    s.registry().create_alliance(&sys, "同心园党建联盟", "", None, &[UnitId(1), dept], false).await.unwrap();
    s.registry().create_park(&sys, "新桥园", &town("新桥"), None).await.unwrap();
    s.policies()
        .save(
            &sys,
            None,
            qunlian_store::policies::NewPolicy {
                title: "稳增长奖励".into(),
                department_id: dept.0,
                doc_number: "松经委〔2026〕8号".into(),
                valid_from: d("2026-01-01"),
                valid_until: Some(d("2027-12-31")),
                content: "对符合条件的企业给予奖励。".into(),
                rule: "从业人数>=1".into(),
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let dates = crate::open_round(s.today());
    s.projects()
        .create_round(&sys, qunlian_store::projects::NewRound::standard(2026, "2026年度深度融合项目", dates))
        .await
        .unwrap();
    school_pairing(s, UnitId(2)).await;
    let activity = ActivityFields {
        party_group: None,
        organiser: Organiser { kind: OrganiserKind::Org, id: org },
        kind: ActivityKind::ThemeDay,
        subject: "主题党日".into(),
        held_on: d("2026-11-02"),
        place: "乙公司会议室".into(),
        units: vec![],
        attendance: Attendance::Headcount(20),
        minutes: String::new(),
    };
    s.activities().record(&sys, activity, false).await.unwrap();
    // Through the pages, as the tests of each capability make them: an instructor, a village
    // head, a talent selection and a development candidate, number 1 each.
    let (firm, area, xinqiao, org) = ("1", songjiang().to_string(), town("新桥").to_string(), org.to_string());
    let mut sessions = BTreeMap::new();
    for who in ["district", "town", "branch"] {
        sessions.insert(who, app.login(who, PASSWORD).await);
    }
    let made = [
        (
            "district",
            "/people/instructors",
            vec![
                ("name", "周明"),
                ("source", "区委组织部"),
                ("area", area.as_str()),
                ("qualifications", "退休党务干部"),
                ("duties", "指导规范组织生活"),
            ],
        ),
        ("town", "/bodies/villages", vec![("town", xinqiao.as_str()), ("name", "春申村")]),
        (
            "town",
            "/bodies/villages/heads",
            vec![("person", "张建国"), ("enterprise", firm), ("identity", "secretary"), ("nominated_on", "2019-06-20")],
        ),
        (
            "town",
            "/bodies/talent/selections",
            vec![("kind", "leading"), ("year", "2021"), ("candidate", "李明"), ("enterprise", firm)],
        ),
        (
            "branch",
            "/people/development",
            vec![("name", "吴思远"), ("category", "professional"), ("org", org.as_str()), ("done_on", "2026-09-01")],
        ),
    ];
    for (who, path, fields) in made {
        let r = app.post_form(sessions.get_mut(who).unwrap(), path, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
    }
    item
}

/// A session of `who`, unlocked first: the password form fed wrong current passwords, which
/// count as failed logins and lock the account.
async fn login(app: &TestApp, who: &str) -> Session {
    let s = &app.db.store;
    let id = s.accounts().user_by_name(who).await.unwrap().unwrap().id;
    s.accounts().unlock_user(&system(), id).await.unwrap();
    app.login(who, PASSWORD).await
}

/// Forms that end, remove or undo a record: fed after every other form.
const ENDINGS: &[&str] = &[
    "/dissolve",
    "/end",
    "/withdraw",
    "/close",
    "/disable",
    "/remove",
    "/merge",
    "/leave",
    "/revoke",
    "/delete",
    "/return",
    "/reset",
    "/cancel",
];

/// Whether a GET row of the table is a page (not a download, an asset or the API).
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/assets/")
        || path == "/healthz"
        || path.ends_with(".xlsx")
        || path.contains("/files/")
        || path.contains("/attachments/")
        || path.ends_with("/file")
        || path.ends_with("/figures")
        || path.ends_with("/choices"))
}

/// Feeds one form: each field in turn with each of its hostile values. Answers whether any
/// answer got past the role check (so the form counts as fed).
async fn feed(
    app: &TestApp,
    session: &mut Session,
    who: &str,
    page: &str,
    form: &Form,
    tally: &mut Tally,
    turn: &mut usize,
) -> bool {
    let path = form.action.split('?').next().unwrap_or(&form.action).to_owned();
    let mut past = false;
    if form.multipart {
        for (name, bytes) in
            [("empty.csv", &b""[..]), ("garbage.xlsx", &b"PK\x03\x04\x00\xff\xfe garbage \x00\x01"[..])]
        {
            let r = app.post_file(session, &path, name, bytes).await;
            tally.check(
                &format!("{who} {page} → POST {path} (upload {name})"),
                r.status,
                &r.body,
                r.content_type.as_deref(),
                false,
            );
            past |= r.status != StatusCode::FORBIDDEN;
            tally.uploads += 1;
        }
        // A body cut short: multer's English ("Error parsing `multipart/form-data` request").
        let cut =
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nPK\x03\x04 cut short";
        let req = axum::http::Request::post(format!("{path}?_csrf={}", session.csrf.clone().unwrap_or_default()))
            .header("content-type", "multipart/form-data; boundary=B")
            .body(axum::body::Body::from(cut))
            .unwrap();
        let r = app.send(session, req).await;
        tally.check(
            &format!("{who} {page} → POST {path} (upload cut short)"),
            r.status,
            &r.body,
            r.content_type.as_deref(),
            false,
        );
        tally.uploads += 1;
        return past;
    }
    let base: Vec<(String, String)> =
        form.fields.iter().filter(|f| f.sent && f.name != "_csrf").map(|f| (f.name.clone(), f.value.clone())).collect();
    let mut names: Vec<&Field> = Vec::new();
    for f in &form.fields {
        if f.name != "_csrf" && f.kind != Kind::File && !names.iter().any(|n| n.name == f.name) {
            names.push(f);
        }
    }
    for f in names {
        tally.fields += 1;
        *turn += 1;
        for value in values_for(&f.name, f, *turn) {
            let mut pairs = base.clone();
            match pairs.iter_mut().find(|(k, _)| *k == f.name) {
                Some(p) => p.1 = value.clone(),
                None => pairs.push((f.name.clone(), value.clone())),
            }
            let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = app.post_form(session, &path, &fields).await;
            let what = format!("{who} {page} → POST {path} [{}={}]", f.name, shown(&value));
            tally.check(&what, r.status, &r.body, r.content_type.as_deref(), false);
            if r.status == StatusCode::UNPROCESSABLE_ENTITY && !r.body.contains(&shown_again(form)) {
                let key = format!("POST {} [{}]", shape(&path), f.name);
                let hidden = f.kind == Kind::Hidden && HIDDEN_ONLY.iter().any(|(k, _)| *k == key);
                let ended = ENDINGS.iter().any(|e| path.ends_with(e)) && r.body.contains("<form");
                let list = match (hidden, ended) {
                    (true, _) => &mut tally.hidden_only,
                    (false, true) => &mut tally.ended,
                    (false, false) => &mut tally.without_form,
                };
                *list.entry(key).or_default() += 1;
            }
            past |= r.status != StatusCode::FORBIDDEN;
            if r.location.as_deref() == Some("/login") {
                *session = login(app, who).await;
            }
        }
    }
    past
}

/// The API's request bodies: each documented property of each POST, PUT and PATCH body in
/// the OpenAPI document, in turn hostile (as text and as values of the wrong JSON type), the
/// others valid, as the enterprise contact (who may call all of them).
async fn feed_api(app: &TestApp, item: i64, tally: &mut Tally) {
    use serde_json::json;
    let token = bearer(&app.db.store, "contact").await;
    let doc: serde_json::Value = serde_json::from_str(&app.get_with("/api/v1/openapi.json", &[]).await.body).unwrap();
    let org = app.db.store.registry().org_tree(&system(), None, false).await.unwrap()[0].id.0;
    let base = |path: &str| match path {
        "/api/v1/listings" => json!({
            "uscc": uscc(2).as_str(), "kind": "供给", "category": "产品", "title": "轴承座",
            "description": "轴承座", "quantity": 10, "unit": "套", "urgency": "normal", "reach": "district",
            "valid_until": "2027-03-31"
        }),
        "/api/v1/service-requests" => json!({ "item_id": item, "uscc": uscc(2).as_str(), "detail": "新建厂房" }),
        "/api/v1/proposals" => {
            json!({ "kind": "rename_org", "org": org, "new_name": "乙公司新党支部", "reason": "企业更名", "on": "2026-12-01" })
        }
        other => panic!("no valid body written for {other}: add one"),
    };
    let mut wrong_types = vec![json!(-1), json!(1e300), json!(true), json!(null), json!([]), json!({}), json!(12.5)];
    wrong_types.extend(
        worst()
            .into_iter()
            .chain(OTHERS.iter().map(|s| (*s).to_owned()))
            .chain(FOR_DATES.iter().map(|s| (*s).to_owned()))
            .map(serde_json::Value::String),
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, item_doc) in paths {
        for method in ["post", "put", "patch"] {
            let Some(op) = item_doc.get(method) else { continue };
            let mut schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if let Some(r) = schema["$ref"].as_str() {
                schema = doc.pointer(&r.replace("#/", "/")).unwrap();
            }
            let props: Vec<String> =
                schema["properties"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            assert!(!props.is_empty(), "{method} {path}: no documented body");
            let body = base(path);
            for prop in &props {
                tally.api_fields += 1;
                for v in &wrong_types {
                    let mut b = body.clone();
                    b[prop.as_str()] = v.clone();
                    let req = axum::http::Request::builder()
                        .method(method.to_uppercase().as_str())
                        .uri(path.as_str())
                        .header("authorization", &token)
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(b.to_string()))
                        .unwrap();
                    let r = app.send(&mut Session::default(), req).await;
                    let what = format!("contact {} {path} [{prop}={}]", method.to_uppercase(), shown(&v.to_string()));
                    tally.check(&what, r.status, &r.body, r.content_type.as_deref(), true);
                }
            }
        }
    }
}

#[tokio::test]
async fn every_form_fed_hostile_values_answers_in_chinese() {
    let started = Instant::now();
    let (app, _) = app_with_accounts().await;
    let item = seed(&app).await;
    let throwaway = user(&app.db.store, "throwaway", Role::Pending, Scope::Nothing).await.user_id.0;
    let table = table();
    let mut tally = Tally::default();
    let mut fed: BTreeSet<Key> = BTreeSet::new();
    let mut pages = 0;
    let mut turn = 0;
    let mut sessions: BTreeMap<&str, Session> = BTreeMap::new();
    let mut buttons: BTreeSet<String> = BTreeSet::new();
    let mut last: Vec<(&str, String, Form, Key)> = Vec::new();
    // The narrowest roles first: a form both they and an admin see is fed as they see it.
    let order = [
        "contact",
        "branch",
        "secretary",
        "officer",
        "head",
        "reviewer",
        "leader",
        "town",
        "district",
        "sysadmin",
        "security",
        "auditor",
        "anonymous",
    ];
    for who in order {
        let letter = IDENTITIES.iter().find(|(_, n)| *n == who).unwrap().0;
        let mut session = if who == "anonymous" { Session::default() } else { login(&app, who).await };
        for ((method, path), allowed) in &table {
            if method != "GET" || !allowed.contains(letter) || !is_page(path) {
                continue;
            }
            let url = sample(path, throwaway);
            let page = app.get(&mut session, &url).await;
            tally.check(&format!("{who} GET {url}"), page.status, &page.body, page.content_type.as_deref(), false);
            if page.status != StatusCode::OK
                || !page.content_type.as_deref().is_some_and(|c| c.starts_with("text/html"))
            {
                continue;
            }
            pages += 1;
            for form in forms(&page.body, &url) {
                let action = shape(&form.action);
                // Logging out, and the login form of a session already in, are not forms to feed.
                if action == "/logout" || (action == "/login" && who != "anonymous") {
                    continue;
                }
                let mut names: Vec<String> = form.fields.iter().map(|f| f.name.clone()).collect();
                names.sort();
                names.dedup();
                let key = (action, names);
                if fed.contains(&key) {
                    continue;
                }
                if !form.multipart && key.1.iter().all(|n| n == "_csrf") {
                    // A button (停用, 撤销令牌): nothing typed to feed, and pressing it would act.
                    buttons.insert(key.0);
                    continue;
                }
                if ENDINGS.iter().any(|e| key.0.ends_with(e)) {
                    // Fed last, so that an end that goes through leaves the other forms standing.
                    if !last.iter().any(|(_, _, _, k)| *k == key) {
                        last.push((who, url.clone(), form, key));
                    }
                    continue;
                }
                tally.forms += 1;
                if feed(&app, &mut session, who, &url, &form, &mut tally, &mut turn).await {
                    fed.insert(key);
                } else {
                    tally.refused += 1;
                }
            }
        }
        sessions.insert(who, session);
    }
    for (who, url, form, key) in last {
        if fed.contains(&key) {
            continue;
        }
        let session = sessions.get_mut(who).unwrap();
        tally.forms += 1;
        if feed(&app, session, who, &url, &form, &mut tally, &mut turn).await {
            fed.insert(key);
        } else {
            tally.refused += 1;
        }
    }
    let forms_seconds = started.elapsed().as_secs_f64();
    feed_api(&app, item, &mut tally).await;
    // What the forms and the API saved is read back: every page and download as the roles
    // that see most, each below 500 and without a script unescaped.
    for who in ["district", "contact", "officer"] {
        let letter = IDENTITIES.iter().find(|(_, n)| *n == who).unwrap().0;
        let mut session = login(&app, who).await;
        for ((method, path), allowed) in &table {
            if method == "GET"
                && allowed.contains(letter)
                && !path.starts_with("/api/")
                && !path.starts_with("/assets/")
            {
                let url = sample(path, throwaway);
                let r = app.get(&mut session, &url).await;
                tally.check(
                    &format!("{who} GET {url} (read back)"),
                    r.status,
                    &r.body,
                    r.content_type.as_deref(),
                    false,
                );
            }
        }
    }
    println!(
        "hostile forms: {pages} pages read, {} forms fed ({} distinct, {} refused to the role that saw them), {} buttons without fields not pressed, {} fields, {} uploads, {} API body fields; {} requests in {:.1} s (forms {:.1} s); statuses {:?}",
        tally.forms,
        fed.len(),
        tally.refused,
        buttons.len(),
        tally.fields,
        tally.uploads,
        tally.api_fields,
        tally.requests,
        started.elapsed().as_secs_f64(),
        forms_seconds,
        tally.statuses
    );
    for f in &fed {
        println!("  fed {} {:?}", f.0, f.1);
    }
    println!("  buttons: {buttons:?}");
    if !tally.without_form.is_empty() {
        println!("422 on the error page, the form not shown again ({}):", tally.without_form.len());
        for (k, n) in &tally.without_form {
            println!("  {k}: {n}");
        }
    }
    println!("422 on the error page for a tampered hidden field only, expected ({}):", tally.hidden_only.len());
    for (k, n) in &tally.hidden_only {
        let why = HIDDEN_ONLY.iter().find(|(h, _)| h == k).map_or("", |(_, w)| w);
        println!("  {k}: {n} (hidden: {why})");
    }
    println!("422 by the page of a record ended meanwhile, its ending form gone ({}):", tally.ended.len());
    for (k, n) in &tally.ended {
        println!("  {k}: {n}");
    }
    for (k, why) in HIDDEN_ONLY {
        assert!(
            tally.hidden_only.contains_key(*k),
            "{k} ({why}) no longer answers the error page: take it off HIDDEN_ONLY"
        );
    }
    assert!(
        tally.without_form.is_empty(),
        "{} fields of forms answer a refusal (422) with the error page, not the form again with the reason and what was typed:\n{}",
        tally.without_form.len(),
        tally.without_form.iter().map(|(k, n)| format!("  {k}: {n} answers")).collect::<Vec<_>>().join("\n")
    );
    assert!(
        tally.violations.is_empty(),
        "{} answers broke the standard:\n{}",
        tally.violations.len(),
        tally.violations.join("\n")
    );
}

#[test]
fn the_form_scan_reads_fields_as_a_browser_sends_them() {
    let html = r#"<form method="get" action="/x"><input name="q"></form>
        <form method="post" action="/a/12/edit?_csrf=t" class="c"><input type="hidden" name="_csrf" value="t">
        <input name="title" value="A &amp; B &#x27;x&#x27;"><input type="checkbox" name="flag" value="1">
        <input type="checkbox" name="units" value="3" checked><select name="kind"><option value="">—</option>
        <option value="b" selected>乙</option></select><textarea name="note">
line &lt;1&gt;</textarea><input type="date" name="held_on" value="2026-11-02" disabled>
        <button type="submit" name="action" value="start">开始</button><button name="action" value="stop">停</button></form>
        <form method="post"><input name="x"></form>"#;
    let f = forms(html, "/page");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].action, "/a/12/edit?_csrf=t");
    assert_eq!(shape(&f[0].action), "/a/{n}/edit");
    let sent: Vec<(&str, &str)> =
        f[0].fields.iter().filter(|x| x.sent).map(|x| (x.name.as_str(), x.value.as_str())).collect();
    assert_eq!(
        sent,
        [
            ("_csrf", "t"),
            ("title", "A & B 'x'"),
            ("units", "3"),
            ("kind", "b"),
            ("note", "line <1>"),
            ("action", "start")
        ]
    );
    assert_eq!(f[1].action, "/page");
    let kind = f[0].fields.iter().find(|x| x.name == "kind").unwrap();
    assert!(values_for("kind", kind, 0).contains(&"汉".repeat(20_001)));
    let date = Field { name: "due_on".into(), value: String::new(), sent: true, kind: Kind::Date, options: vec![] };
    assert!(values_for("due_on", &date, 0).contains(&"2026/13/45".to_owned()));
}

/// NUL in a form or a JSON body: PostgreSQL refuses it in text, and 20 forms and the listings
/// API answered 500 there (the hostile pass on `scripts/pg.sh`). A page's form is read without
/// the invisible characters (a field of nothing but NUL is empty, and its form says so by the
/// field); the API refuses the field by name.
#[tokio::test]
async fn nul_is_taken_out_of_a_form_and_refused_by_name_in_the_api() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let xinqiao = town("新桥").to_string();
    let mut t = app.login("town", PASSWORD).await;
    let r = app.post_form(&mut t, "/bodies/villages", &[("town", &xinqiao), ("name", "春\0申\u{FFFF}村")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.bodies().villages(&system()).await.unwrap()[0].name, "春申村");
    let r = app.post_form(&mut t, "/bodies/villages", &[("town", &xinqiao), ("name", "\0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不能为空") && r.body.contains("<form"), "{}", r.body);

    let token = bearer(s, "contact").await;
    let body = serde_json::json!({
        "uscc": uscc(2).as_str(), "kind": "供给", "category": "产品", "title": "轴\u{0}承座",
        "valid_until": "2027-03-31"
    });
    let req = axum::http::Request::post("/api/v1/listings")
        .header("authorization", &token)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let r = app.send(&mut Session::default(), req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["code"], "invalid");
    assert_eq!(json["message"], "字段 title：含有不可见的控制字符（如 NUL），请删除后重新提交");
}

/// A service request refused for what was typed comes back as the form with the reason and
/// what was typed (it answered the bare error page, the title and the detail lost), and a
/// refused value is repeated at most 30 characters long.
#[tokio::test]
async fn a_refused_service_request_is_the_form_again_with_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let mut contact = app.login("contact", PASSWORD).await;
    let long = "汉".repeat(20_001);
    for (item, why) in
        [("abc", "服务事项：“abc”不是编号"), (long.as_str(), "不是编号"), ("", "服务事项：请从目录中选择")]
    {
        let fields = [("item_id", item), ("unit_id", "2"), ("title", "新建厂房立项"), ("detail", "需要办理施工许可")];
        let r = app.post_form(&mut contact, "/services", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(why) && r.body.contains("id=\"new-request\""), "{}", r.body);
        assert!(
            r.body.contains("value=\"新建厂房立项\"") && r.body.contains("需要办理施工许可</textarea>"),
            "{}",
            r.body
        );
        assert!(!r.body.contains(&"汉".repeat(31)), "the refused value is not repeated whole");
    }
}

/// A new coverage category refused for what was typed comes back as the form with the reason
/// and what was typed (it answered the bare error page), and an 排序 that is no number is
/// refused by name (it was taken as 0 without a word).
#[tokio::test]
async fn a_refused_category_is_the_form_again_and_its_position_is_checked() {
    let (app, _) = app_with_accounts().await;
    let mut district = app.login("district", PASSWORD).await;
    for (field, value, why) in
        [("target_pct", "百分百", "目标覆盖率：“百分百”不是数字"), ("position", "第一", "排序：“第一”不是整数")]
    {
        let mut fields =
            vec![("name", "百人以上企业"), ("rule", "从业人数>=100"), ("target_pct", "100"), ("position", "2")];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = app.post_form(&mut district, "/coverage/categories", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(why) && r.body.contains("id=\"category-form\""), "{}", r.body);
        assert!(
            r.body.contains("value=\"百人以上企业\"") && r.body.contains("value=\"从业人数&#62;=100\""),
            "{}",
            r.body
        );
    }
}

/// An upload cut short is refused in Chinese on the catalogue's two upload forms (they said
/// "上传失败：" and then multer's English). A refused 办结时限 is in
/// `services::a_refused_catalogue_item_is_the_form_again_with_what_was_typed`.
#[tokio::test]
async fn a_broken_catalogue_upload_is_refused_in_chinese() {
    let (app, _) = app_with_accounts().await;
    let mut district = app.login("district", PASSWORD).await;
    let csrf = district.csrf.clone().unwrap();
    for path in ["/services/catalogue/import", "/services/calendar"] {
        let cut =
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nPK\x03\x04 cut short";
        let req = axum::http::Request::post(format!("{path}?_csrf={csrf}"))
            .header("content-type", "multipart/form-data; boundary=B")
            .body(axum::body::Body::from(cut))
            .unwrap();
        let r = app.send(&mut district, req).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", r.body);
        assert!(r.body.contains("上传失败：文件没有完整传到服务器"), "{path}: {}", r.body);
    }
}
