//! 公民身份号码 (GB 11643-1999): 18 characters, a real birth date, a check character.

use chrono::NaiveDate;

use crate::text::compact;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Never print the whole number by accident, not even in a log.
impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号码应为18位，实际为{0}位")]
    Length(usize),
    #[error("身份证号码前17位应为数字，最后一位为数字或X")]
    Character,
    #[error("身份证号码中的出生日期 {0} 不是有效日期")]
    BirthDate(String),
    #[error("身份证号码校验位错误：应为 {expected}，实际为 {found}")]
    Check { expected: char, found: char },
}

impl IdNumber {
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        if let Some(n) = crate::limits::over(s, crate::limits::CODE_CHARS) {
            return Err(IdNumberError::Length(n));
        }
        let s = compact(s).to_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::Length(chars.len()));
        }
        if !chars[..17].iter().all(char::is_ascii_digit) || !(chars[17].is_ascii_digit() || chars[17] == 'X') {
            return Err(IdNumberError::Character);
        }
        let birth = &s[6..14];
        if NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() {
            return Err(IdNumberError::BirthDate(birth.to_owned()));
        }
        let sum: u32 = chars[..17].iter().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
        let expected = CHECK[(sum % 11) as usize];
        if expected != chars[17] {
            return Err(IdNumberError::Check { expected, found: chars[17] });
        }
        Ok(IdNumber(s))
    }

    /// The number whose first 17 characters are `body`, with its check character computed:
    /// synthetic numbers for the demo and tests (valid checksums, not real people).
    pub fn from_body(body: &str) -> Result<IdNumber, IdNumberError> {
        let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 17 || body.chars().count() != 17 {
            return Err(IdNumberError::Length(body.chars().count() + 1));
        }
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        IdNumber::parse(&format!("{body}{}", CHECK[(sum % 11) as usize]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 17th digit: odd for a man, even for a woman.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16] % 2 == 1
    }

    /// First six and last four kept: 310117********123X.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example() {
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert!(!format!("{id:?}").contains("19491231"));
        assert!(!id.is_male());
        assert_eq!(IdNumber::from_body("11010519491231002").unwrap(), id);
        assert!(IdNumber::from_body("1101051949").is_err());
    }

    #[test]
    fn bad_dates_and_checks() {
        assert_eq!(IdNumber::parse("110105199902300021").unwrap_err(), IdNumberError::BirthDate("19990230".into()));
        assert!(matches!(
            IdNumber::parse("110105194912310021").unwrap_err(),
            IdNumberError::Check { expected: 'X', .. }
        ));
        assert_eq!(IdNumber::parse("1101051949").unwrap_err(), IdNumberError::Length(10));
    }
}
