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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_odd_spaces() {
        assert_eq!(normalize("　９１３１ＡＢ　 有限公司\u{a0}"), "9131AB 有限公司");
        assert_eq!(compact(" 9131 0117\t MA1 "), "91310117MA1");
        assert_eq!(normalize(""), "");
    }
}
