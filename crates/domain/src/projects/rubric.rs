//! The review rubric (评分细则): criteria with weights and a descriptor per level, each owned
//! by one of the three departments (组织部: Party leadership and the members' role; 经委:
//! industrial value; 科委: technology), veto items (一票否决), and the score sheet a reviewer
//! fills for his department's criteria, with a comment per criterion.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ReviewSide;
use crate::fields::FieldErrors;

/// Most criteria a rubric has; most characters of a name, a descriptor or a comment.
const MAX_CRITERIA: usize = 30;
const MAX_NAME: usize = 60;
const MAX_TEXT: usize = 500;
const MAX_COMMENT: usize = 2_000;

/// A descriptor: what earns `score` points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub score: u8,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable key (form input, column of the export).
    pub key: String,
    pub name: String,
    pub side: ReviewSide,
    /// Share of the total in percent; 0 for a veto item.
    pub weight: u32,
    /// The highest score.
    pub max: u8,
    pub levels: Vec<Level>,
    /// A yes/no veto item (一票否决): marking it excludes the application from any tier.
    pub veto: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
}

/// A reviewer's sheet for one application: his department's criteria only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoreSheet {
    pub application: i64,
    pub reviewer: i64,
    pub side: Option<ReviewSide>,
    pub scores: BTreeMap<String, u8>,
    /// Veto items marked.
    pub vetoes: BTreeSet<String>,
    pub comments: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("评分细则有误：{}", .0.to_string())]
pub struct RubricError(pub FieldErrors);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("评分表有误：{}", .0.to_string())]
pub struct SheetError(pub FieldErrors);

impl Rubric {
    /// Refuses a rubric a review cannot use, naming the criterion.
    pub fn check(&self) -> Result<(), RubricError> {
        let mut e = FieldErrors::new();
        if self.criteria.len() > MAX_CRITERIA {
            e.push("criteria", format!("评分项最多 {MAX_CRITERIA} 项"));
        }
        let mut keys = BTreeSet::new();
        for c in &self.criteria {
            let who = if c.name.trim().is_empty() { c.key.as_str() } else { c.name.as_str() };
            if c.key.is_empty() || !keys.insert(c.key.as_str()) {
                e.push("criteria", format!("评分项“{who}”的编号为空或重复"));
            }
            if c.name.trim().is_empty() || c.name.chars().count() > MAX_NAME {
                e.push("criteria", format!("评分项“{who}”的名称应为 1–{MAX_NAME} 个字"));
            }
            if c.veto && c.weight != 0 {
                e.push("criteria", format!("否决项“{who}”不计分，权重应为 0"));
            }
            if !c.veto && (c.weight == 0 || c.max == 0) {
                e.push("criteria", format!("评分项“{who}”的权重和满分应大于 0"));
            }
            let scores: Vec<u8> = c.levels.iter().map(|l| l.score).collect();
            if scores.windows(2).any(|w| w[0] >= w[1]) || scores.iter().any(|&s| s > c.max) {
                e.push("criteria", format!("评分项“{who}”的档次分值应从低到高、不超过满分 {}", c.max));
            }
            if c.levels.iter().any(|l| l.text.chars().count() > MAX_TEXT) {
                e.push("criteria", format!("评分项“{who}”的档次说明最多 {MAX_TEXT} 个字"));
            }
        }
        let total: u32 = self.criteria.iter().filter(|c| !c.veto).map(|c| c.weight).sum();
        if total != 100 {
            e.push("criteria", format!("各评分项权重之和应为 100，现为 {total}"));
        }
        for side in ReviewSide::ALL {
            if !self.criteria.iter().any(|c| c.side == side && !c.veto) {
                e.push("criteria", format!("{}没有评分项：三个部门各须负责至少一项", side.label()));
            }
        }
        e.into_result().map_err(RubricError)
    }

    /// A department's scored criteria.
    pub fn scored(&self, side: ReviewSide) -> impl Iterator<Item = &Criterion> {
        self.criteria.iter().filter(move |c| c.side == side && !c.veto)
    }

    /// The share of the total a department's criteria weigh, 0–1.
    pub fn side_weight(&self, side: ReviewSide) -> f64 {
        f64::from(self.scored(side).map(|c| c.weight).sum::<u32>()) / 100.0
    }

    /// Refuses a sheet that is incomplete, out of range or about another department's
    /// criteria; a veto needs its reason in the comment.
    pub fn check_sheet(&self, sheet: &ScoreSheet) -> Result<(), SheetError> {
        let mut e = FieldErrors::new();
        let Some(side) = sheet.side else {
            e.push("side", "评审人未指定所属部门");
            return Err(SheetError(e));
        };
        for c in self.scored(side) {
            match sheet.scores.get(&c.key) {
                None => e.push("scores", format!("“{}”未评分", c.name)),
                Some(&s) if s > c.max => e.push("scores", format!("“{}”的分数 {s} 超过满分 {}", c.name, c.max)),
                Some(_) => {}
            }
        }
        for key in sheet.scores.keys() {
            if !self.scored(side).any(|c| &c.key == key) {
                e.push("scores", format!("评分项“{key}”不属于{}", side.label()));
            }
        }
        for key in &sheet.vetoes {
            match self.criteria.iter().find(|c| &c.key == key && c.veto) {
                None => e.push("vetoes", format!("“{key}”不是否决项")),
                Some(c) if sheet.comments.get(key).is_none_or(|t| t.trim().is_empty()) => {
                    e.push("comments", format!("否决“{}”须写明理由", c.name))
                }
                Some(_) => {}
            }
        }
        for (key, text) in &sheet.comments {
            if text.chars().count() > MAX_COMMENT {
                e.push("comments", format!("“{key}”的评语最多 {MAX_COMMENT} 个字"));
            }
        }
        e.into_result().map_err(SheetError)
    }

    /// What a sheet gives its application, as a share 0–1 of its department's criteria.
    pub fn sheet_fraction(&self, sheet: &ScoreSheet) -> f64 {
        let Some(side) = sheet.side else { return 0.0 };
        let (mut got, mut weight) = (0.0, 0.0);
        for c in self.scored(side) {
            let w = f64::from(c.weight);
            let s = f64::from(sheet.scores.get(&c.key).copied().unwrap_or(0).min(c.max));
            got += w * s / f64::from(c.max.max(1));
            weight += w;
        }
        if weight > 0.0 { got / weight } else { 0.0 }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub fn criterion(key: &str, side: ReviewSide, weight: u32, max: u8) -> Criterion {
        Criterion {
            key: key.into(),
            name: format!("评分项{key}"),
            side,
            weight,
            max,
            levels: vec![Level { score: 0, text: "无".into() }, Level { score: max, text: "突出".into() }],
            veto: false,
        }
    }

    /// 组织部 40, 经委 30, 科委 30, each out of 10, and a veto item of 科委.
    pub fn rubric() -> Rubric {
        let mut veto = criterion("v", ReviewSide::Science, 0, 1);
        veto.veto = true;
        veto.levels.clear();
        Rubric {
            criteria: vec![
                criterion("o", ReviewSide::Organisation, 40, 10),
                criterion("e", ReviewSide::Economy, 30, 10),
                criterion("s", ReviewSide::Science, 30, 10),
                veto,
            ],
        }
    }

    #[test]
    fn a_usable_rubric_and_the_refusals() {
        assert!(rubric().check().is_ok());
        let mut r = rubric();
        r.criteria[0].weight = 50;
        r.criteria.remove(1);
        let e = r.check().unwrap_err().to_string();
        assert!(e.contains("权重之和应为 100，现为 80") && e.contains("区经委没有评分项"), "{e}");
        let mut r = rubric();
        r.criteria[2].levels = vec![Level { score: 5, text: "".into() }, Level { score: 3, text: "".into() }];
        assert!(r.check().unwrap_err().to_string().contains("从低到高"));
    }

    #[test]
    fn a_sheet_covers_its_department_only_and_a_veto_needs_a_reason() {
        let r = rubric();
        let mut sheet = ScoreSheet { side: Some(ReviewSide::Science), ..Default::default() };
        sheet.scores.insert("s".into(), 7);
        assert!(r.check_sheet(&sheet).is_ok());
        assert!((r.sheet_fraction(&sheet) - 0.7).abs() < 1e-9);
        sheet.scores.insert("o".into(), 7);
        sheet.vetoes.insert("v".into());
        let e = r.check_sheet(&sheet).unwrap_err().to_string();
        assert!(e.contains("不属于区科委") && e.contains("须写明理由"), "{e}");
        sheet.scores.remove("o");
        sheet.comments.insert("v".into(), "核心专利权属存在纠纷".into());
        assert!(r.check_sheet(&sheet).is_ok());
        sheet.scores.insert("s".into(), 11);
        assert!(r.check_sheet(&sheet).unwrap_err().to_string().contains("超过满分 10"));
    }
}
