//! Telephone numbers: mainland mobiles and landlines with area codes.

use crate::text::compact;

#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

parsed_from_text!(Phone, PhoneError);

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("联系电话“{0}”不是有效号码：手机应为11位（1开头），座机应带区号，如 021-57612345")]
pub struct PhoneError(pub String);

impl Phone {
    pub fn parse(s: &str) -> Result<Phone, PhoneError> {
        let raw = compact(s);
        let digits: String = raw.chars().filter(|c| !matches!(c, '-' | '(' | ')' | '（' | '）')).collect();
        let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits).to_owned();
        let digits = if digits.len() == 13 && digits.starts_with("86") { digits[2..].to_owned() } else { digits };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(PhoneError(s.trim().to_owned()));
        }
        let b = digits.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
            return Ok(Phone(digits));
        }
        // Landline: 0 + area code (2–3 digits) + 7–8 digit number.
        if b.first() == Some(&b'0') && (10..=12).contains(&b.len()) {
            let area = if matches!(&digits[..2], "01" | "02") { 3 } else { 4 };
            return Ok(Phone(format!("{}-{}", &digits[..area], &digits[area..])));
        }
        Err(PhoneError(s.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 138****5678; 021-****2345.
    pub fn masked(&self) -> String {
        match self.0.split_once('-') {
            Some((area, number)) => format!("{area}-****{}", &number[number.len().saturating_sub(4)..]),
            None => format!("{}****{}", &self.0[..3], &self.0[7..]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines() {
        assert_eq!(Phone::parse("138 1234 5678").unwrap().as_str(), "13812345678");
        assert_eq!(Phone::parse("+86-138-1234-5678").unwrap().masked(), "138****5678");
        assert_eq!(Phone::parse("１３８１２３４５６７８").unwrap().as_str(), "13812345678");
        let l = Phone::parse("021-57612345").unwrap();
        assert_eq!(l.as_str(), "021-57612345");
        assert_eq!(l.masked(), "021-****2345");
        assert_eq!(Phone::parse("057384123456").unwrap().as_str(), "0573-84123456");
        assert!(Phone::parse("12345").unwrap_err().to_string().contains("12345"));
        assert!(Phone::parse("12012345678").is_err());
    }
}
