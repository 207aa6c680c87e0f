//! Form fields: empty means "not given", dates in the one format the forms use, and the
//! choices of a `<select>` (rendered by the `select` macro of `templates/macros.html`).

use crate::error::WebError;

/// An empty form field is "not given", not an empty string.
pub fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filters given, as a query string (`org=3&q=%E5%BC%A0`) for a pager or an export link
/// to keep them; those not given are left out.
pub fn query_string(filters: &[(&str, &Option<String>)]) -> String {
    filters
        .iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", super::format::url_encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// What a parser made of what was typed, or its refusal in its own words as the message shown
/// with the form: a form's refused fields (`FieldErrors`), a code not of its set (`CodeError`),
/// a value of the wrong form (a USCC, a phone number, a period …).
pub fn parsed<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, WebError> {
    r.map_err(|e| WebError::Invalid(e.to_string()))
}

/// A store's refusal as the errors a form is shown again with: a parser's keep their keys;
/// one value refused (`StoreError::Invalid`) is put under the form input that `key` gives for
/// the field it names. Any other error is no refusal and stays the error it is.
pub fn refused_fields(
    e: qunlian_store::StoreError,
    key: impl FnOnce(&str) -> &'static str,
) -> Result<qunlian_domain::fields::FieldErrors, WebError> {
    use qunlian_store::StoreError;
    match e {
        StoreError::Fields(f) => Ok(f),
        StoreError::Invalid { field, message } => {
            let mut errors = qunlian_domain::fields::FieldErrors::new();
            errors.push(key(field), format!("{field}：{message}"));
            Ok(errors)
        }
        e => Err(WebError::from(e)),
    }
}

pub fn parse_date(field: &str, s: &Option<String>) -> Result<Option<chrono::NaiveDate>, WebError> {
    match non_empty(s) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| WebError::Invalid(format!("{field}：“{v}”不是有效日期，应为 2026-11-22 的格式"))),
    }
}

/// A town or street code (9 digits) in a filter's `town=`: none when empty, refused by name.
pub fn town_param(v: &Option<String>) -> Result<Option<qunlian_domain::RegionCode>, WebError> {
    use qunlian_domain::region::RegionLevel;
    non_empty(v)
        .map(|t| match qunlian_domain::RegionCode::parse(t) {
            Ok(r) if r.level() == RegionLevel::Town => Ok(r),
            _ => Err(WebError::Invalid(format!(
                "街镇：“{}”不是街镇代码（9位，如 310117105）",
                qunlian_domain::limits::echo(t)
            ))),
        })
        .transpose()
}

/// A filter's `from=` and `to=` days (both included) as a half-open range: the first day,
/// and the day after the last.
pub fn day_range(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>), WebError> {
    let to = parse_date("截止日期", to)?;
    Ok((parse_date("起始日期", from)?, to.map(|d| d.succ_opt().unwrap_or(d))))
}

/// "街镇：新桥镇，日期：2021-01-01 至 2021-06-30": what a list drilled into from a town's or
/// a period's figure is narrowed to; none when neither is given.
pub fn drill_words(town: &str, from: &str, to: &str) -> Option<String> {
    let mut words = Vec::new();
    if !town.is_empty() {
        let name =
            qunlian_domain::RegionCode::parse(town).map(|r| r.name().to_owned()).unwrap_or_else(|_| town.to_owned());
        words.push(format!("街镇：{name}"));
    }
    match (from, to) {
        ("", "") => {}
        (f, "") => words.push(format!("日期：{f} 起")),
        ("", t) => words.push(format!("日期：{t} 止")),
        (f, t) => words.push(format!("日期：{f} 至 {t}")),
    }
    (!words.is_empty()).then(|| words.join("，"))
}

/// The town and the days a list is narrowed to when drilled into from a town's or a period's
/// figure: the query's `town=`, `from=` and `to=` as typed, kept in the list's filter form.
#[derive(serde::Deserialize, Default, Clone)]
pub struct TownDays {
    pub town: Option<String>,
    /// On or after this day, and on or before `to`.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl TownDays {
    pub fn town_value(&self) -> &str {
        non_empty(&self.town).unwrap_or("")
    }
    pub fn first_day(&self) -> &str {
        non_empty(&self.from).unwrap_or("")
    }
    pub fn last_day(&self) -> &str {
        non_empty(&self.to).unwrap_or("")
    }
    /// The town as a filter's code ([`town_param`]).
    pub fn town_code(&self) -> Result<Option<qunlian_domain::RegionCode>, WebError> {
        town_param(&self.town)
    }
    /// The days as a half-open range ([`day_range`]).
    pub fn range(&self) -> Result<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>), WebError> {
        day_range(&self.from, &self.to)
    }
    /// The town and days in words ([`drill_words`]).
    pub fn words(&self) -> Option<String> {
        drill_words(self.town_value(), self.first_day(), self.last_day())
    }
}

/// A record number typed into a filter.
pub fn id_param(field: &str, v: &Option<String>) -> Result<Option<i64>, WebError> {
    non_empty(v)
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| WebError::Invalid(format!("{field}：“{}”不是编号", qunlian_domain::limits::echo(s))))
        })
        .transpose()
}

/// A record a form must name, chosen in its select: the id, or “{field}：请选择” when none was.
pub fn required_id(field: &str, v: &Option<String>) -> Result<i64, WebError> {
    id_param(field, v)?.ok_or_else(|| WebError::Invalid(format!("{field}：请选择")))
}

/// A coded value chosen in a filter (a domain enum's `parse`): none when empty, refused in
/// the set's own words when it is no value of the set.
pub fn coded<T>(
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, qunlian_domain::codes::CodeError>,
) -> Result<Option<T>, WebError> {
    non_empty(v).map(|s| parsed(parse(s))).transpose()
}

/// One `<option>`: the code sent, the label shown, and whether it is the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// Options from (code, label) pairs, the one equal to `selected` marked.
    pub fn list<V: ToString, L: ToString>(pairs: impl IntoIterator<Item = (V, L)>, selected: &str) -> Vec<Choice> {
        pairs
            .into_iter()
            .map(|(v, l)| {
                let value = v.to_string();
                Choice { selected: value == selected, value, label: l.to_string() }
            })
            .collect()
    }
}

/// Whether an option's value is the current one, however each is typed (an id and a form's
/// text): the `select_pairs` macro asks this.
pub fn is_selected(value: &impl std::fmt::Display, selected: &impl std::fmt::Display) -> bool {
    format!("{value}") == format!("{selected}")
}

/// Whether the record `id` is among the values a list of checkboxes sent (a form shown again
/// keeps its ticks).
pub fn ticked(values: &[String], id: i64) -> bool {
    values.iter().any(|v| v.trim() == id.to_string())
}

/// A form read as its (name, value) pairs, for forms whose fields repeat (checkboxes of one
/// name) or are named by a record (`rank_12`, `score_technology`). A handler takes it as it
/// takes `Form<Vec<(String, String)>>`, with the same refusal of a body that is no form.
#[derive(Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Pairs {
    type Rejection = axum::extract::rejection::FormRejection;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state).await?;
        Ok(Pairs(pairs))
    }
}

impl Pairs {
    /// The first value of `name`, trimmed; "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    /// Every non-empty value of `name`, in the form's order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim()).collect()
    }

    /// The (suffix, value) of every non-empty field named `prefix` + something.
    pub fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0.iter().filter_map(move |(k, v)| Some((k.strip_prefix(prefix)?, v.trim()))).filter(|(_, v)| !v.is_empty())
    }

    /// Whether a checkbox named `name` is ticked.
    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// The form read into a handler's struct, as `Form<T>` reads it; a field of the wrong
    /// type is refused as [`Unread::form`] refuses it, so the form can be shown again.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::error::WebError> {
        serde_urlencoded::to_string(&self.0)
            .ok()
            .and_then(|s| serde_urlencoded::from_str(&s).ok())
            .ok_or_else(|| crate::error::WebError::Invalid(UNREADABLE.into()))
    }
}

const UNREADABLE: &str = "表单内容不完整或格式有误，请重新填写后提交";

/// A form refused for what was typed, on a page that may hold several: which form, why, and
/// its fields as typed. The page shows the reason by that form and the form as the user left
/// it (422), the other forms as they were; `Refusal::default()` is a page nothing refused.
#[derive(Default)]
pub struct Refusal(Option<(&'static str, String, Pairs)>);

impl Refusal {
    pub fn of(form: &'static str, error: String, typed: Pairs) -> Self {
        Refusal(Some((form, error, typed)))
    }

    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// Why `form` was refused, if it was.
    pub fn error(&self, form: &str) -> Option<&str> {
        self.0.as_ref().filter(|(f, _, _)| *f == form).map(|(_, e, _)| e.as_str())
    }

    /// The field `name` of `form` as typed when that form was refused; else `default`.
    pub fn typed<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        match &self.0 {
            Some((f, _, typed)) if *f == form => typed.get(name),
            _ => default,
        }
    }
}

/// A domain input's raw struct filled from a form, written as a struct literal: a field
/// named alone (`name`) is the form field of that name as typed ([`Pairs::get`]); a field with
/// a value (`units: f.all("units")…`) is that value. `from_form!(f, RawCheck { item, note })`.
macro_rules! from_form {
    ($f:expr, $ty:ident { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        $ty { $($field: $crate::support::forms::from_form!(@value $f, $field $(, $value)?)),* }
    };
    (@value $f:expr, $field:ident, $value:expr) => {
        $value
    };
    (@value $f:expr, $field:ident) => {
        $f.get(stringify!($field)).into()
    };
}
pub(crate) use from_form;

/// A request body left unread until the handler has checked the caller's role: a handler
/// takes `body: Unread` after its `Auth`, calls `auth.require(..)`, then [`Unread::form`] or
/// [`Unread::read`]. A refused role is answered 403 and nothing it sent is parsed (issue #11:
/// handlers that parsed or validated the input first answered a refused role 422).
pub struct Unread(axum::extract::Request);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Unread {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: axum::extract::Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Unread(req))
    }
}

impl Unread {
    /// A urlencoded form as its (name, value) pairs, refused as [`Unread::form`] refuses.
    pub async fn pairs(self) -> Result<Pairs, crate::error::WebError> {
        self.form::<Vec<(String, String)>>().await.map(Pairs)
    }

    /// The body through any extractor (the API's `Json`), with its own refusal.
    pub async fn read<T: axum::extract::FromRequest<()>>(self) -> Result<T, T::Rejection> {
        T::from_request(self.0, &()).await
    }

    /// A urlencoded form; a body that is no such form is refused in Chinese.
    pub async fn form<T: serde::de::DeserializeOwned + Send>(self) -> Result<T, crate::error::WebError> {
        match self.read::<axum::Form<T>>().await {
            Ok(axum::Form(t)) => Ok(t),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(crate::error::WebError::PayloadTooLarge)
            }
            Err(_) => Err(crate::error::WebError::Invalid(UNREADABLE.into())),
        }
    }
}

/// Whether a request's body is an HTML form (`application/x-www-form-urlencoded`).
pub fn is_urlencoded(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// Takes out of a urlencoded form the characters no text field may keep (NUL and the other
/// control characters but tab and line breaks, U+FFFE, U+FFFF: `limits::unsavable`) before a
/// handler reads it. Nobody types them, a paste can carry them, and they are invisible: the
/// form is read as what the user sees (a field of nothing but NUL is empty, and its form says
/// so by the field). Kept, they broke PostgreSQL (NUL in text answered 500) and the XML of the
/// downloads; the API refuses them instead, naming the field (`api::extract::Json`).
pub async fn strip_unsavable(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    use qunlian_domain::limits::unsavable;
    if !is_urlencoded(request.headers()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // The limit of `auth::csrf_guard`, which has read the body already when it held the token.
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return WebError::PayloadTooLarge.into_response();
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    if !pairs.iter().any(|(k, v)| k.chars().chain(v.chars()).any(unsavable)) {
        return next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await;
    }
    let clean = |s: &str| s.chars().filter(|c| !unsavable(*c)).collect::<String>();
    let cleaned = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (clean(k), clean(v))))
        .finish();
    parts.headers.insert(header::CONTENT_LENGTH, cleaned.len().into());
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(cleaned))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_mark_the_current_value_only() {
        let c = Choice::list([("a", "甲"), ("b", "乙")], "b");
        assert_eq!(c.iter().filter(|c| c.selected).map(|c| c.label.as_str()).collect::<Vec<_>>(), ["乙"]);
        assert!(Choice::list([(1, "一")], "").iter().all(|c| !c.selected));
    }

    #[test]
    fn pairs_read_repeated_and_named_fields() {
        let p = Pairs(vec![
            ("kind".into(), "a".into()),
            ("kind".into(), " ".into()),
            ("kind".into(), "b".into()),
            ("rank_3".into(), "1".into()),
            ("rank_4".into(), "".into()),
        ]);
        assert_eq!(p.all("kind"), ["a", "b"]);
        assert_eq!(p.get("kind"), "a");
        assert_eq!(p.prefixed("rank_").collect::<Vec<_>>(), [("3", "1")]);
        assert!(!p.checked("none"));
        assert!(ticked(&[" 12".to_owned(), "3".to_owned()], 12));
        assert!(!ticked(&["123".to_owned()], 12));
    }

    #[test]
    fn a_raw_struct_is_filled_from_the_fields_of_its_names() {
        struct Raw {
            title: String,
            due_on: String,
            units: Vec<String>,
        }
        let f = Pairs(vec![("title".into(), " 标题 ".into()), ("units".into(), "3".into())]);
        let r = from_form!(f, Raw { title, due_on, units: f.all("units").into_iter().map(str::to_owned).collect() });
        assert_eq!((r.title.as_str(), r.due_on.as_str(), r.units), ("标题", "", vec!["3".to_owned()]));
    }

    #[test]
    fn empty_fields_are_not_given() {
        assert_eq!(non_empty(&Some("  ".into())), None);
        assert_eq!(
            parse_date("日期", &Some("2026-11-22".into())).ok().flatten().map(|d| d.to_string()),
            Some("2026-11-22".into())
        );
        assert!(parse_date("日期", &Some("22/11/2026".into())).is_err());
    }
}
