//! How much of any one input a parser will read. Every parser that user input reaches checks
//! its input against one of these before doing any work, so a request of megabytes or of deep
//! nesting is refused with a message naming the field instead of costing memory, time or a
//! worker's stack (issue #11: a rule of 60,000 `!` aborted the process).

/// A code typed by a person (统一社会信用代码, 身份证号码, 电话, 行政区划代码, 行业代码, a select's
/// value): the longest legitimate one is 18 characters, spaces and dashes around it included
/// it stays far below this.
pub const CODE_CHARS: usize = 64;
/// A rule (coverage category, policy eligibility): notices write a few lines at most.
pub const RULE_CHARS: usize = 2_000;
/// Brackets and 非 inside one another in a rule. Real rules use two or three levels.
pub const RULE_DEPTH: usize = 32;
/// Free-text search (listings, enterprises).
pub const SEARCH_CHARS: usize = 200;
/// A name (enterprise, organisation, park, contact, document number, title).
pub const NAME_CHARS: usize = 200;
/// A long text (a listing's description, a policy's content, a cluster's description).
pub const TEXT_CHARS: usize = 20_000;
/// A service request's detail (the API's limit since it was built).
pub const DETAIL_CHARS: usize = 5_000;
/// A note: a deal's follow-up, its delivery.
pub const NOTE_CHARS: usize = 2_000;
/// An enterprise's comment with its rating of a service (the rating form's `maxlength`).
pub const COMMENT_CHARS: usize = 500;

/// Ticked choices in one form field (an activity's units, its members): a cluster has a few
/// hundred enterprises. Past it a form is refused before the list is looked at.
pub const CHOICES: usize = 2_000;

/// The largest amount a number field takes (a listing's 数量, a project's 产值 in 万元): a
/// trillion. Past it a value is a typing slip, and 6.5e307 could not be summed or stored in
/// every column; the API documents it as `maximum`.
pub const AMOUNT_MAX: f64 = 1_000_000_000_000.0;

/// The number of characters of `s` when it has more than `max`, counting no further than
/// needed to decide.
pub fn over(s: &str, max: usize) -> Option<usize> {
    if s.len() <= max {
        // Never more characters than bytes.
        return None;
    }
    let n = s.chars().count();
    (n > max).then_some(n)
}

/// `label：不能超过N个字（现有M个字）` when `s` is longer than `max` characters, and
/// `label：含有不可见的控制字符…` when it holds a character no text may keep ([`unsavable`]).
pub fn check(label: &str, s: &str, max: usize) -> Result<(), String> {
    if let Some(n) = over(s, max) {
        return Err(format!("{label}：不能超过{max}个字（现有{n}个字）"));
    }
    if s.chars().any(unsavable) {
        return Err(format!("{label}：含有不可见的控制字符（如 NUL），请删除后重新填写"));
    }
    Ok(())
}

/// A character no text field keeps: a control character other than tab and line breaks, or
/// the noncharacters U+FFFE and U+FFFF. PostgreSQL refuses NUL in text, and XML — the .docx
/// and .xlsx downloads, the briefing's charts — refuses all of them; nobody types them.
pub fn unsavable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Free-text search as typed: trimmed, refused (`搜索词：不能超过200个字…`) past
/// [`SEARCH_CHARS`], None when empty.
pub fn search_text(s: Option<&str>) -> Result<Option<&str>, String> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => check(SEARCH_LABEL, s, SEARCH_CHARS).map(|()| Some(s)),
        None => Ok(None),
    }
}

/// The field a search box is named by in messages.
pub const SEARCH_LABEL: &str = "搜索词";

/// A value as an error message repeats it: at most 30 characters, so a refused megabyte is not
/// sent back to the page.
pub fn echo(s: &str) -> String {
    const SHOWN: usize = 30;
    let s = s.trim();
    match s.char_indices().nth(SHOWN) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(over("高新技术", 4), None, "12 bytes, 4 characters");
        assert_eq!(over("高新技术企业", 4), Some(6));
        assert_eq!(check("标题", &"字".repeat(201), NAME_CHARS), Err("标题：不能超过200个字（现有201个字）".into()));
        assert_eq!(echo(&"9".repeat(40)), format!("{}…", "9".repeat(30)));
        assert_eq!(echo(" 短 "), "短");
        assert_eq!(search_text(Some("  ")), Ok(None));
        assert_eq!(search_text(Some(" 轴承 ")), Ok(Some("轴承")));
        assert!(search_text(Some(&"轴".repeat(201))).unwrap_err().starts_with("搜索词：不能超过200个字"));
    }

    #[test]
    fn control_characters_are_refused_by_the_field_but_line_breaks_kept() {
        for bad in ["a\0b", "\u{1b}[31m", "\u{FFFF}", "x\u{7f}"] {
            assert_eq!(
                check("标题", bad, NAME_CHARS),
                Err("标题：含有不可见的控制字符（如 NUL），请删除后重新填写".into()),
                "{bad:?}"
            );
        }
        assert_eq!(check("说明", "第一行\r\n第二行\t完", NOTE_CHARS), Ok(()));
    }
}
