//! 国民经济行业分类 (GB/T 4754-2017), from the data file in the repository root.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::compact;

struct Entry {
    code: &'static str,
    name: &'static str,
    level: IndustryLevel,
    parent: Option<u16>,
}

struct Table {
    entries: Vec<Entry>,
    by_code: HashMap<&'static str, u16>,
    by_name: HashMap<&'static str, u16>,
}

/// `name` may be quoted when it holds a comma.
fn split_line(line: &'static str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    let (code, rest) = line.split_once(',')?;
    let (name, rest) = match rest.strip_prefix('"') {
        Some(quoted) => {
            let end = quoted.find('"')?;
            (&quoted[..end], quoted[end + 1..].strip_prefix(',')?)
        }
        None => rest.split_once(',')?,
    };
    let (level, parent) = rest.split_once(',')?;
    Some((code, name, level, parent))
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let text: &'static str = include_str!("../../../reference/industry_gbt4754_2017.csv");
    let mut entries = Vec::new();
    let mut parents = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let Some((code, name, level, parent)) = split_line(line) else { continue };
        let level = match level {
            "section" => IndustryLevel::Section,
            "division" => IndustryLevel::Division,
            "group" => IndustryLevel::Group,
            _ => IndustryLevel::Class,
        };
        entries.push(Entry { code, name, level, parent: None });
        parents.push(parent.trim());
    }
    let by_code: HashMap<&'static str, u16> = entries.iter().enumerate().map(|(i, e)| (e.code, i as u16)).collect();
    for (i, p) in parents.iter().enumerate() {
        entries[i].parent = by_code.get(p).copied();
    }
    // A group and its only class may share a name; the name finds the most specific code.
    let mut by_name = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_name.insert(e.name, i as u16);
    }
    Table { entries, by_code, by_name }
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndustryLevel {
    Section,
    Division,
    Group,
    Class,
}

impl std::fmt::Display for IndustryLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IndustryLevel::Section => "门类",
            IndustryLevel::Division => "大类",
            IndustryLevel::Group => "中类",
            IndustryLevel::Class => "小类",
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndustryCode(u16);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndustryError {
    #[error("行业代码不能为空")]
    Empty,
    #[error("行业代码“{0}”不在国民经济行业分类（GB/T 4754-2017）中")]
    Unknown(String),
}

impl IndustryCode {
    /// Accepts "C", "38", "382", "3821", "C3821" (the section letter is optional).
    pub fn parse(s: &str) -> Result<IndustryCode, IndustryError> {
        let s = compact(s).to_uppercase();
        if s.is_empty() {
            return Err(IndustryError::Empty);
        }
        let digits = match s.chars().next() {
            Some(c) if c.is_ascii_alphabetic() && s.len() > 1 => &s[1..],
            _ => s.as_str(),
        };
        let found =
            TABLE.by_code.get(digits).copied().map(IndustryCode).ok_or_else(|| IndustryError::Unknown(s.clone()))?;
        if digits != s && found.section().as_str() != &s[..1] {
            return Err(IndustryError::Unknown(s));
        }
        Ok(found)
    }

    fn entry(&self) -> &'static Entry {
        &TABLE.entries[self.0 as usize]
    }

    pub fn as_str(&self) -> &'static str {
        self.entry().code
    }

    pub fn name(&self) -> &'static str {
        self.entry().name
    }

    pub fn level(&self) -> IndustryLevel {
        self.entry().level
    }

    pub fn parent(&self) -> Option<IndustryCode> {
        self.entry().parent.map(IndustryCode)
    }

    pub fn section(&self) -> IndustryCode {
        let mut at = *self;
        while let Some(p) = at.parent() {
            at = p;
        }
        at
    }

    /// This code and its ancestors, most specific first ("3972", "397", "39", "C").
    pub fn lineage(self) -> Vec<&'static str> {
        let mut out = vec![self.as_str()];
        let mut at = self;
        while let Some(p) = at.parent() {
            out.push(p.as_str());
            at = p;
        }
        out
    }

    /// The 中类 (three digits) this code lies in, when it is that specific.
    pub fn group(self) -> Option<&'static str> {
        self.lineage().into_iter().find(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_digit()))
    }

    pub fn find_by_name(name: &str) -> Option<IndustryCode> {
        TABLE.by_name.get(compact(name).as_str()).copied().map(IndustryCode)
    }

    pub fn all() -> impl Iterator<Item = IndustryCode> {
        (0..TABLE.entries.len() as u16).map(IndustryCode)
    }
}

impl std::fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for IndustryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.as_str(), self.name())
    }
}

impl TryFrom<String> for IndustryCode {
    type Error = IndustryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IndustryCode::parse(&s)
    }
}

impl From<IndustryCode> for String {
    fn from(i: IndustryCode) -> String {
        i.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_the_chain_up() {
        let ic = IndustryCode::parse("C3973").unwrap();
        assert_eq!(ic, IndustryCode::parse("3973").unwrap());
        assert_eq!(ic.name(), "集成电路制造");
        assert_eq!(ic.level(), IndustryLevel::Class);
        let chain: Vec<&str> = std::iter::successors(Some(ic), |c| c.parent()).map(|c| c.as_str()).collect();
        assert_eq!(chain, vec!["3973", "397", "39", "C"]);
        assert_eq!(IndustryCode::find_by_name("变压器、整流器和电感器制造").unwrap().as_str(), "3821");
        assert_eq!(IndustryCode::parse("Ｃ３８").unwrap().name(), "电气机械和器材制造业");
        assert_eq!(IndustryCode::parse("6520").unwrap().name(), "集成电路设计");
    }

    #[test]
    fn every_division_has_a_section_and_every_class_a_division() {
        let divisions = IndustryCode::all().filter(|c| c.level() == IndustryLevel::Division).count();
        assert_eq!(divisions, 97);
        assert_eq!(IndustryCode::all().filter(|c| c.level() == IndustryLevel::Section).count(), 20);
        for c in IndustryCode::all() {
            assert_eq!(c.section().level(), IndustryLevel::Section, "{c:?}");
        }
    }

    #[test]
    fn unknown_or_mismatched() {
        assert!(IndustryCode::parse("9999").unwrap_err().to_string().contains("9999"));
        assert!(IndustryCode::parse("A3973").is_err(), "3973 is in section C, not A");
        assert_eq!(IndustryCode::parse(""), Err(IndustryError::Empty));
    }
}
