//! 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.

use crate::text::compact;

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码不能为空")]
    Empty,
    #[error("统一社会信用代码应为18位，实际为{0}位")]
    Length(usize),
    #[error("统一社会信用代码第{position}位“{found}”不是允许的字符（不使用 I、O、Z、S、V）")]
    Character { position: usize, found: char },
    #[error("统一社会信用代码校验位错误：按 GB 32100 应为 {expected}，实际为 {found}")]
    Check { expected: char, found: char },
}

fn value(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

fn check_char(body: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in body.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    ALPHABET.chars().nth(((31 - sum % 31) % 31) as usize)
}

fn charset(s: &str) -> Result<(), UsccError> {
    match s.chars().enumerate().find(|(_, c)| value(*c).is_none()) {
        Some((i, found)) => Err(UsccError::Character { position: i + 1, found }),
        None => Ok(()),
    }
}

impl Uscc {
    pub fn parse(s: &str) -> Result<Uscc, UsccError> {
        let s = compact(s).to_uppercase();
        let n = s.chars().count();
        if n == 0 {
            return Err(UsccError::Empty);
        }
        if n != 18 {
            return Err(UsccError::Length(n));
        }
        charset(&s)?;
        let (body, last) = s.split_at(17);
        let found = last.chars().next().ok_or(UsccError::Length(17))?;
        let expected = check_char(body).ok_or(UsccError::Length(n))?;
        if expected != found {
            return Err(UsccError::Check { expected, found });
        }
        Ok(Uscc(s))
    }

    /// Appends the right check character to a 17-character body (synthetic data).
    pub fn from_body(body17: &str) -> Result<Uscc, UsccError> {
        let body = compact(body17).to_uppercase();
        let n = body.chars().count();
        if n != 17 {
            return Err(UsccError::Length(n + 1));
        }
        charset(&body)?;
        let check = check_char(&body).ok_or(UsccError::Length(n))?;
        Ok(Uscc(format!("{body}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3–8: the region code of the registering authority.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

parsed_from_text!(Uscc, UsccError; Display);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_standards_example_is_valid() {
        let u = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(u.region_code(), "350100");
        assert_eq!(Uscc::parse("９１３５０１００ｍ０００１００ｙ４３").unwrap(), u);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert_eq!(Uscc::parse("91350100M000100Y4").unwrap_err().to_string(), "统一社会信用代码应为18位，实际为17位");
        let e = Uscc::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(e, UsccError::Check { expected: '3', found: '4' });
        assert!(e.to_string().contains("应为 3"));
        assert_eq!(Uscc::parse("91350100I000100Y43").unwrap_err(), UsccError::Character { position: 9, found: 'I' });
        assert_eq!(Uscc::parse("  ").unwrap_err(), UsccError::Empty);
    }

    fn body() -> impl Strategy<Value = String> {
        proptest::collection::vec(0..31usize, 17)
            .prop_map(|v| v.into_iter().filter_map(|i| ALPHABET.chars().nth(i)).collect())
    }

    proptest! {
        #[test]
        fn from_body_round_trips(b in body()) {
            let u = Uscc::from_body(&b).unwrap();
            prop_assert_eq!(Uscc::parse(u.as_str()).unwrap(), u);
        }

        #[test]
        fn any_single_change_is_caught(b in body(), pos in 0..18usize, shift in 1..31usize) {
            let u = Uscc::from_body(&b).unwrap();
            let mut chars: Vec<char> = u.as_str().chars().collect();
            let v = value(chars[pos]).unwrap() as usize;
            chars[pos] = ALPHABET.chars().nth((v + shift) % 31).unwrap();
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).is_err());
        }
    }
}
