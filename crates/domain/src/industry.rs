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
    /// Keyed by the [`compact`] form of the name, as lookups are: the standard writes some
    /// names with full-width brackets ("三维（3D)打印技术推广服务").
    by_name: HashMap<String, u16>,
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
    // A group and its only class share a name (336 and 3360 金属表面处理及热处理加工), as do a
    // section and its division (K and 70 房地产业); the file lists a parent before its children,
    // so the name finds the most specific code.
    let mut by_name = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_name.insert(compact(e.name), i as u16);
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
        if crate::limits::over(s, crate::limits::CODE_CHARS).is_some() {
            return Err(IndustryError::Unknown(crate::limits::echo(s)));
        }
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

table_code!(IndustryCode);
parsed_from_text!(IndustryCode, IndustryError; Display, Debug);

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

    fn count(level: IndustryLevel) -> usize {
        IndustryCode::all().filter(|c| c.level() == level).count()
    }

    /// The standard's own count (its table A.1): 20 门类, 97 大类, 473 中类 and 1,381 小类. The
    /// figure of 1,380 小类 quoted in many places does not match the table; every section's
    /// count below does.
    #[test]
    fn the_whole_standard_by_level_and_by_section() {
        assert_eq!(count(IndustryLevel::Section), 20);
        assert_eq!(count(IndustryLevel::Division), 97);
        assert_eq!(count(IndustryLevel::Group), 473);
        assert_eq!(count(IndustryLevel::Class), 1381);
        // (section, divisions, groups, classes) as table A.1 gives them.
        let a1 = [
            ("A", 5, 24, 72),
            ("B", 7, 19, 39),
            ("C", 31, 179, 609),
            ("D", 3, 9, 18),
            ("E", 4, 18, 44),
            ("F", 2, 18, 128),
            ("G", 8, 27, 67),
            ("H", 2, 10, 16),
            ("I", 3, 17, 34),
            ("J", 4, 26, 48),
            ("K", 1, 5, 5),
            ("L", 2, 12, 58),
            ("M", 3, 19, 48),
            ("N", 4, 18, 33),
            ("O", 3, 16, 32),
            ("P", 1, 6, 17),
            ("Q", 2, 6, 30),
            ("R", 5, 27, 48),
            ("S", 6, 16, 34),
            ("T", 1, 1, 1),
        ];
        for (section, divisions, groups, classes) in a1 {
            let s = IndustryCode::parse(section).unwrap();
            let within = |level| IndustryCode::all().filter(|c| c.level() == level && c.section() == s).count();
            assert_eq!(
                (within(IndustryLevel::Division), within(IndustryLevel::Group), within(IndustryLevel::Class)),
                (divisions, groups, classes),
                "{s:?}"
            );
        }
    }

    #[test]
    fn every_code_hangs_from_the_code_it_starts_with() {
        let mut seen = std::collections::HashSet::new();
        for c in IndustryCode::all() {
            assert!(seen.insert(c.as_str()), "{c:?} is listed twice");
            assert!(!c.name().is_empty() && c.name() == c.name().trim(), "{c:?}");
            let code = c.as_str();
            match c.level() {
                IndustryLevel::Section => {
                    assert!(code.len() == 1 && code.chars().all(|ch| ch.is_ascii_uppercase()), "{c:?}");
                    assert_eq!(c.parent(), None);
                }
                level => {
                    let (len, parent_level) = match level {
                        IndustryLevel::Division => (2, IndustryLevel::Section),
                        IndustryLevel::Group => (3, IndustryLevel::Division),
                        _ => (4, IndustryLevel::Group),
                    };
                    assert!(code.len() == len && code.chars().all(|ch| ch.is_ascii_digit()), "{c:?}");
                    let parent = c.parent().unwrap_or_else(|| panic!("{c:?} has no parent in the table"));
                    assert_eq!(parent.level(), parent_level, "{c:?}");
                    if level != IndustryLevel::Division {
                        assert_eq!(parent.as_str(), &code[..len - 1], "{c:?}");
                    }
                }
            }
        }
        // Every division and every group has something under it.
        for c in IndustryCode::all().filter(|c| matches!(c.level(), IndustryLevel::Division | IndustryLevel::Group)) {
            assert!(IndustryCode::all().any(|d| d.parent() == Some(c)), "{c:?} is empty");
        }
    }

    #[test]
    fn classes_the_first_table_lacked() {
        for (code, name, group) in [
            ("C3421", "金属切削机床制造", "342"),
            ("C3360", "金属表面处理及热处理加工", "336"),
            ("C3392", "有色金属铸造", "339"),
            ("M7491", "工业设计服务", "749"),
        ] {
            let c = IndustryCode::parse(code).unwrap();
            assert_eq!((c.name(), c.level(), c.group()), (name, IndustryLevel::Class, Some(group)), "{code}");
            assert_eq!(IndustryCode::parse(&code[1..]), Ok(c));
            assert_eq!(IndustryCode::find_by_name(name), Some(c), "the name finds the class, not its group");
        }
        assert_eq!(IndustryCode::parse("336").unwrap().name(), "金属表面处理及热处理加工");
        assert_eq!(IndustryCode::parse("749").unwrap().name(), "工业与专业设计及其他专业技术服务");
        assert_eq!(IndustryCode::parse("3392").unwrap().lineage(), vec!["3392", "339", "33", "C"]);
    }

    #[test]
    fn names_as_the_standard_writes_them() {
        assert_eq!(IndustryCode::parse("2780").unwrap().name(), "药用辅料及包装材料");
        assert_eq!(IndustryCode::parse("3445").unwrap().name(), "液力动力机械元件制造");
        assert_eq!(IndustryCode::parse("7271").unwrap().name(), "安全服务");
        assert_eq!(IndustryCode::parse("7517").unwrap().name(), "三维（3D)打印技术推广服务");
        // Typed with either kind of bracket, the name is found.
        assert_eq!(IndustryCode::find_by_name("三维（3D）打印技术推广服务").unwrap().as_str(), "7517");
        assert_eq!(IndustryCode::find_by_name("三维(3D)打印技术推广服务").unwrap().as_str(), "7517");
        assert_eq!(IndustryCode::find_by_name("房地产业").unwrap().as_str(), "70");
        assert_eq!(IndustryCode::find_by_name(" 智能无人飞行器制造 ").unwrap().as_str(), "3963");
        assert_eq!(IndustryCode::find_by_name("不存在的行业"), None);
    }

    /// Every code the demo's clusters and enterprises name (crates/cli/demo/songjiang.json) is
    /// in the table, and every class among them but a few services has a supplier or a customer in
    /// reference/industry_chain.csv. The exceptions buy mostly what the chain file leaves out
    /// on purpose (rent, business services, finance) and sell to everyone or to households.
    #[test]
    fn the_demo_clusters_classes_are_in_the_table_and_reach_the_chain() {
        let demo: serde_json::Value = serde_json::from_str(include_str!("../../cli/demo/songjiang.json")).unwrap();
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
        };
        let mut codes: Vec<String> = Vec::new();
        for c in demo["clusters"].as_array().unwrap() {
            codes.extend(strings(&c["industry_codes"]));
            codes.extend(strings(&c["generated_industry_codes"]));
        }
        for e in demo["enterprises"].as_array().unwrap() {
            codes.extend(e["industry_code"].as_str().map(str::to_owned));
        }
        codes.sort();
        codes.dedup();
        assert!(codes.len() > 80, "{}", codes.len());
        // 民宿服务, 房地产开发经营, 园区管理服务: no supplier or customer worth a match.
        let unchained = ["6130", "7010", "7221"];
        let mut missing = Vec::new();
        for c in &codes {
            let code = IndustryCode::parse(c).unwrap_or_else(|e| panic!("{e}"));
            // A division (the clusters' broad "38") reaches only rows written at its level or above.
            if code.level() == IndustryLevel::Class
                && crate::matching::chain_neighbours(code).is_empty()
                && !unchained.contains(&c.as_str())
            {
                missing.push(format!("{code:?}"));
            }
        }
        assert!(missing.is_empty(), "no chain relation: {missing:?}");
        for (c, why) in [
            ("3421", "金属切削机床制造"),
            ("3360", "金属表面处理及热处理加工"),
            ("3392", "有色金属铸造"),
            ("7491", "工业设计服务"),
        ] {
            assert!(!crate::matching::chain_neighbours(IndustryCode::parse(c).unwrap()).is_empty(), "{why}");
        }
    }

    #[test]
    fn unknown_or_mismatched() {
        assert!(IndustryCode::parse("9999").unwrap_err().to_string().contains("9999"));
        assert!(IndustryCode::parse("A3973").is_err(), "3973 is in section C, not A");
        assert_eq!(IndustryCode::parse(""), Err(IndustryError::Empty));
    }
}
