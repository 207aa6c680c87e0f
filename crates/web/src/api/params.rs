//! Parameter types the API shares, each documented in the OpenAPI exactly as it is checked:
//! a value the document allows is accepted (or answers 404 when nothing has that code), a
//! value it forbids is refused with 422 naming the parameter.

use qunlian_store::PageRequest;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::WebError;

//
// The document's patterns, written out where each parameter is declared:
// a 统一社会信用代码 (GB 32100) `^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`, its
// check character verified on top (`uscc`); a district or town code `^([0-9]{6}|[0-9]{9})$`.
/// Month and day of a date as the document's patterns write them (29 February left out):
/// a pattern together with `format: date` leaves a generator too few strings to try.
pub const MONTH_DAY: &str = r"((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)";

/// The deepest page a list goes to.
pub const MAX_PAGE: u64 = 1_000_000;

/// A yes/no filter: `1` = only those that are, `0` = only those that are not.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
pub enum Flag {
    #[serde(rename = "1")]
    Yes,
    #[serde(rename = "0")]
    No,
}

impl Flag {
    pub fn get(flag: Option<Flag>) -> Option<bool> {
        flag.map(|f| matches!(f, Flag::Yes))
    }
}

/// The page asked for, refused outside 1..=MAX_PAGE and 1..=500 (the document's bounds).
pub fn page_request(page: Option<u64>, per_page: Option<u64>) -> Result<PageRequest, WebError> {
    if page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p)) {
        return Err(WebError::Invalid(format!("参数 page：应为 1 到 {MAX_PAGE} 之间的整数")));
    }
    if per_page.is_some_and(|p| !(1..=PageRequest::MAX_PER_PAGE).contains(&p)) {
        return Err(WebError::Invalid(format!("参数 per_page：应为 1 到 {} 之间的整数", PageRequest::MAX_PER_PAGE)));
    }
    Ok(PageRequest::new(page, per_page))
}

/// A region code parameter: malformed is 422; well-formed but in no table is 404.
pub fn region(name: &str, v: Option<&str>) -> Result<Option<qunlian_domain::RegionCode>, WebError> {
    use qunlian_domain::region::RegionError;
    let Some(v) = v else { return Ok(None) };
    match qunlian_domain::RegionCode::parse(v) {
        Ok(code) if v.len() == 6 || v.len() == 9 => Ok(Some(code)),
        Err(e @ RegionError::Unknown(_)) => Err(WebError::NotFoundWhat(format!("{name}：{e}"))),
        Ok(_) | Err(_) => Err(WebError::Invalid(format!("{name}：“{v}”应为6位（区县）或9位（街镇）数字"))),
    }
}

/// A USCC parameter: not of the code's form is 422; of its form but with a wrong check
/// character is 404, since no enterprise can have it.
pub fn uscc(name: &str, v: &str) -> Result<qunlian_domain::Uscc, WebError> {
    let well_formed = v.len() == 18 && {
        let b = v.as_bytes();
        let code = |c: &u8| c.is_ascii_digit() || (c.is_ascii_uppercase() && !b"IOSVZ".contains(c));
        b[..2].iter().all(code) && b[2..8].iter().all(u8::is_ascii_digit) && b[8..].iter().all(code)
    };
    if !well_formed {
        return Err(WebError::Invalid(format!("{name}：统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z）")));
    }
    qunlian_domain::Uscc::parse(v).map_err(|e| WebError::NotFoundWhat(format!("{name}：{e}，没有这个代码的企业")))
}

/// A date parameter, `2026-11-22`.
pub fn date(name: &str, v: &str) -> Result<chrono::NaiveDate, WebError> {
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|_| v.len() == 10)
        .ok_or_else(|| WebError::Invalid(format!("{name}：“{v}”不是日期，应为 2026-11-22 的格式")))
}

/// A coded filter as the document's generated pattern ([`code_pattern`]) writes it: the exact
/// code, label or alias (no trimming or folding, which the pattern could not say); empty is
/// no filter.
pub fn coded<T: qunlian_domain::codes::Labelled>(name: &str, v: Option<&str>) -> Result<Option<T>, WebError> {
    let Some(v) = v.filter(|v| !v.is_empty()) else { return Ok(None) };
    T::all()
        .iter()
        .copied()
        .find(|c| c.code() == v || c.label() == v || c.aliases().contains(&v))
        .map(Some)
        .ok_or_else(|| WebError::Invalid(format!("参数 {name}：{}", T::refuse(v))))
}

/// The pattern of a [`coded`] parameter: every code, label and alias of the set, or empty.
pub fn code_pattern<T: qunlian_domain::codes::Labelled>() -> String {
    let words: Vec<String> = T::all()
        .iter()
        .flat_map(|c| [c.code()].into_iter().chain([c.label()]).chain(c.aliases().iter().copied()))
        .map(regex_escape)
        .collect();
    format!("^({})?$", words.join("|"))
}

fn regex_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// An id filter the document bounds below (`minimum`): a smaller one is 422, not an empty page.
pub fn at_least(name: &str, v: Option<i64>, min: i64) -> Result<Option<i64>, WebError> {
    match v {
        Some(n) if n < min => Err(WebError::Invalid(format!("参数 {name}：应为不小于 {min} 的整数"))),
        _ => Ok(v),
    }
}

/// A period as the document's pattern [`PERIOD`] writes it (`2021H1`, `2021`, `2021年上半年`,
/// `2021年` …); the parser reads more (full-width digits, spaces, lower case), which the API
/// refuses so that what it accepts is what it documents. Empty is the latest ended period.
pub fn period(name: &str, v: Option<&str>) -> Result<Option<qunlian_domain::results::Period>, WebError> {
    let Some(v) = v.filter(|v| !v.is_empty()) else { return Ok(None) };
    let year = v.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
    let suffix = v.get(4..).unwrap_or("");
    let refuse = || {
        WebError::Invalid(format!(
            "参数 {name}：“{}”无法识别，应为 2021H1、2021、2021年上半年 或 2021年 的写法（1990–2100年）",
            qunlian_domain::limits::echo(v)
        ))
    };
    if year.is_none() || !PERIOD_SUFFIXES.contains(&suffix) {
        return Err(refuse());
    }
    qunlian_domain::results::Period::parse(v).map(Some).map_err(|_| refuse())
}

/// A figures scope as the document's pattern writes it: `district`, `town:310117105` (or the bare
/// nine digits), `cluster:3`; no spaces, no leading zeros or signs. A town code of that form
/// that is no town is 404, as a cluster the caller cannot see. Empty is the caller's own.
pub fn figure_scope(name: &str, v: &str) -> Result<qunlian_store::results::FigureScope, WebError> {
    use qunlian_domain::auth::ClusterId;
    use qunlian_store::results::FigureScope;
    let digits = |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let town = v.strip_prefix("town:").unwrap_or(v);
    if v == "district" {
        Ok(FigureScope::District)
    } else if town.len() == 9 && digits(town, 9) {
        match region(name, Some(town))? {
            Some(r) if r.level() == qunlian_domain::region::RegionLevel::Town => Ok(FigureScope::Town(r)),
            _ => Err(WebError::NotFoundWhat(format!("{name}：范围“{town}”不是街镇代码"))),
        }
    } else if let Some(id) = v.strip_prefix("cluster:").filter(|id| digits(id, 18) && !id.starts_with('0')) {
        id.parse().map(|id| FigureScope::Cluster(ClusterId(id))).map_err(|_| WebError::NotFound)
    } else {
        Err(WebError::Invalid(format!(
            "参数 {name}：范围“{}”无法识别，应为 district、town:街镇代码 或 cluster:集群编号",
            qunlian_domain::limits::echo(v)
        )))
    }
}

/// What may follow the year of a [`period`].
const PERIOD_SUFFIXES: [&str; 8] = ["", "H1", "-H1", "上半年", "年上半年", "年", "年度", "年全年"];
/// The document's pattern of a [`period`] (years 1990–2100, as the parser).
pub const PERIOD: &str = "^((199[0-9]|20[0-9]{2}|2100)(H1|-H1|上半年|年上半年|年|年度|年全年)?)?$";

/// An industry as the document's pattern writes it: a GB/T 4754 code (`C`, `34`, `C3421`) or,
/// in one word without spaces, a name with Chinese in it (`金属切削机床制造`). The pattern is
/// `^([A-T]|[A-T]?[0-9]{2,4}|[^ \t\r\n]*[\u4e00-\u9fff][^ \t\r\n]*)?$`; what has that form
/// but is in no table answers 404 (as a USCC whose check character is wrong).
pub fn industry_well_formed(v: &str) -> bool {
    let b = v.as_bytes();
    let section = |c: u8| (b'A'..=b'T').contains(&c);
    let digits = |d: &[u8]| (2..=4).contains(&d.len()) && d.iter().all(u8::is_ascii_digit);
    v.is_empty()
        || (b.len() == 1 && section(b[0]))
        || digits(b)
        || (b.len() > 1 && section(b[0]) && digits(&b[1..]))
        || (!v.contains([' ', '\t', '\r', '\n']) && v.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
}

/// A JSON integer as JSON Schema counts them: `6436` and `6436.0` alike.
pub fn json_integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => Ok(f as i64),
        _ => Err(D::Error::custom("应为整数")),
    }
}

/// Refuses a text longer than the document allows.
pub fn text(name: &str, v: Option<&str>, max: usize) -> Result<(), WebError> {
    match v {
        Some(t) if t.chars().count() > max => Err(WebError::Invalid(format!("{name}：不能超过 {max} 个字"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_bounds_are_the_checked_ones() {
        assert!(page_request(Some(1), Some(500)).is_ok());
        assert!(page_request(Some(MAX_PAGE), None).is_ok());
        for (p, pp) in [(Some(0), None), (Some(MAX_PAGE + 1), None), (None, Some(0)), (None, Some(501))] {
            assert!(matches!(page_request(p, pp), Err(WebError::Invalid(_))), "{p:?} {pp:?}");
        }
        assert!(matches!(region("region", Some("310117")), Ok(Some(_))));
        assert!(matches!(region("region", Some("999999")), Err(WebError::NotFoundWhat(_))));
        assert!(matches!(region("region", Some("31011")), Err(WebError::Invalid(_))));
        assert!(matches!(region("region", Some("310117105000")), Err(WebError::Invalid(_))));
        assert!(matches!(uscc("uscc", "0"), Err(WebError::Invalid(_))));
        assert!(matches!(uscc("uscc", "91310117000000000A"), Err(WebError::NotFoundWhat(_)) | Ok(_)));
        assert!(matches!(date("from", "2026-2-1"), Err(WebError::Invalid(_))));
        assert!(date("from", "2026-02-01").is_ok());
    }
}
