//! The clean-up every parser applies first: what Excel and WeChat do to text.

/// Full-width ASCII (Ｕ+FF01–FF5E, e.g. "９１３１") becomes half-width, the ideographic
/// space and NBSP become spaces, the ends are trimmed and runs of spaces collapse.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200B}' | '\u{FEFF}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// [`normalize`], then every space removed: for codes typed with spaces in them.
pub fn compact(s: &str) -> String {
    normalize(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// Orders names as people read them: runs of ASCII digits compare by their value, so
/// 第2党支部 comes before 第10党支部; everything else compares character by character.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(ca), Some(cb)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let da = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
            let db = b.find(|c: char| !c.is_ascii_digit()).unwrap_or(b.len());
            let (na, nb) = (a[..da].trim_start_matches('0'), b[..db].trim_start_matches('0'));
            let by_value = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if by_value != Ordering::Equal {
                return by_value;
            }
            (a, b) = (&a[da..], &b[db..]);
        } else {
            if ca != cb {
                return ca.cmp(&cb);
            }
            (a, b) = (&a[ca.len_utf8()..], &b[cb.len_utf8()..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_odd_spaces() {
        assert_eq!(normalize("　９１３１ＡＢ　 有限公司\u{a0}"), "9131AB 有限公司");
        assert_eq!(compact(" 9131 0117\t MA1 "), "91310117MA1");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn numbers_in_names_sort_by_value() {
        let mut names = vec!["第10党支部", "第2党支部", "第1党支部", "第02党支部x", "第1党支部a", "党委"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["党委", "第1党支部", "第1党支部a", "第2党支部", "第02党支部x", "第10党支部"]);
        assert_eq!(natural_cmp("a", "a"), std::cmp::Ordering::Equal);
        assert_eq!(natural_cmp("a9", "a10"), std::cmp::Ordering::Less);
    }
}
