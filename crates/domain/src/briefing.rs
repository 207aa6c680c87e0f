//! The 工作简报 (issue #15) as a document: a title, a line under it and blocks of text and
//! charts, the same for Word and PDF (the writers are in `qunlian_io::briefing`), and the
//! scope a briefing is made for. The store fills it from the scorecards
//! (`store.results().briefing`); nothing here counts.

use serde::Serialize;

/// What a briefing covers: the caller's whole reach (全区), one town, or one cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum BriefingScope {
    District,
    /// A town by its region code.
    Town(String),
    Cluster(i64),
}

impl BriefingScope {
    /// `district`, `town:<code>` or `cluster:<id>`, as the form sends it.
    pub fn parse(s: &str) -> Result<BriefingScope, String> {
        let s = s.trim();
        let bad = || format!("范围：“{}”不是有效的范围（应为全区、某个街镇或某个集群）", crate::limits::echo(s));
        if s.is_empty() || s == "district" {
            return Ok(BriefingScope::District);
        }
        match s.split_once(':') {
            Some(("town", code)) if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(BriefingScope::Town(code.to_owned()))
            }
            Some(("cluster", id)) => {
                id.parse::<i64>().ok().filter(|i| *i > 0).map(BriefingScope::Cluster).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    pub fn code(&self) -> String {
        match self {
            BriefingScope::District => "district".to_owned(),
            BriefingScope::Town(c) => format!("town:{c}"),
            BriefingScope::Cluster(id) => format!("cluster:{id}"),
        }
    }
}

/// A bar chart of this period beside the same period a year before, one pair of bars a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    /// The unit of the values (亿元, 项).
    pub unit: String,
    pub current_label: String,
    pub previous_label: String,
    pub groups: Vec<ChartGroup>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartGroup {
    pub label: String,
    pub current: f64,
    pub previous: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Block {
    /// 一、总体情况 (黑体 in Word).
    Heading(String),
    /// （一）新桥现代装备产业集群 (楷体 in Word).
    Subheading(String),
    /// A body paragraph, indented two characters.
    Paragraph(String),
    Chart(Chart),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Briefing {
    /// 集群党建工作简报 (2号小标宋, centred).
    pub title: String,
    /// （2021年上半年 · 全区）
    pub subtitle: String,
    /// Who made it and when, at the end.
    pub signature: String,
    pub blocks: Vec<Block>,
}

impl Briefing {
    /// Every line of text in order (charts by their titles): what both documents must show.
    pub fn texts(&self) -> Vec<&str> {
        let mut out = vec![self.title.as_str(), self.subtitle.as_str()];
        for b in &self.blocks {
            out.push(match b {
                Block::Heading(t) | Block::Subheading(t) | Block::Paragraph(t) => t,
                Block::Chart(c) => &c.title,
            });
        }
        out.push(&self.signature);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_refuse() {
        assert_eq!(BriefingScope::parse("district"), Ok(BriefingScope::District));
        assert_eq!(BriefingScope::parse("town:310112102"), Ok(BriefingScope::Town("310112102".into())));
        assert_eq!(BriefingScope::parse("cluster:7"), Ok(BriefingScope::Cluster(7)));
        for bad in ["town:", "town:abc", "cluster:0", "cluster:x", "region:1"] {
            let e = BriefingScope::parse(bad).err();
            assert!(e.as_deref().is_some_and(|e| e.starts_with("范围")), "{bad}: {e:?}");
        }
        assert_eq!(BriefingScope::parse(&BriefingScope::Cluster(3).code()), Ok(BriefingScope::Cluster(3)));
    }
}
