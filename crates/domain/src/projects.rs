//! Integration projects "3+6+X" (深度融合项目): a yearly round (申报批次) with its lists of
//! subjects ("3"), directions ("6") and carriers ("X") as data, applications that move from
//! 草稿 through the cluster's recommendation and a joint review by the district organisation
//! department (组织部), the economic commission (经委) and the science commission (科委) to a
//! tier, then implementation and closure with yearly outcome reports.
//!
//! Here live the rules only — states and their transitions, the round's calendar, conflicts
//! of interest from relationships the platform already records, the automatic assignment of
//! reviewers, the rubric and the ranking with per-reviewer normalisation. The store gathers
//! the facts and keeps the records; docs/projects.md tells the workflow.

mod assignment;
mod conflicts;
mod outcomes;
mod ranking;
mod round;
mod rubric;
mod rubric_form;
mod states;

pub use assignment::{Assignment, AssignmentInput, ReviewerLoad, Shortfall, Slot, propose};
pub use conflicts::{ApplicantTies, ConflictKind, Pin, ReviewerTies, conflicts};
pub use outcomes::{
    DEFAULT_DUE, FigureAxis, MAX_PATENTS, OutcomeFields, OutcomeMetric, OutcomeState, Patent, RawOutcome, SupportKind,
    TargetCheck, check_targets, overdue_year, parse_due, report_due, split_names,
};
pub use ranking::{DISAGREEMENT_POINTS, MIN_SHEETS_TO_NORMALISE, Ranked, SheetTotal, rank};
pub use round::{RoundDates, RoundPhase};
pub use rubric::{Criterion, Level, Rubric, RubricError, ScoreSheet, SheetError};
pub use rubric_form::RawCriterion;
pub use states::{ApplicationAction, ApplicationState, Decision, StateError, Tier};

use crate::codes::labelled_enum;

labelled_enum!(
    /// The three departments that review jointly; each owns criteria of the rubric and must
    /// have at least one reviewer on every application.
    ReviewSide: "评审部门" {
        Organisation = "organisation", "区委组织部", ["组织部"];
        Economy = "economy", "区经委", ["经委", "经济委员会", "经信委"];
        Science = "science", "区科委", ["科委", "科学技术委员会", "科技局"];
    }
);

labelled_enum!(
    /// Who may apply in a round (申报主体).
    ApplicantKind: "申报主体" {
        EnterpriseBranch = "enterprise_branch", "企业党组织", ["企业党支部", "企业支部"];
        JointBranch = "joint_branch", "联合党组织", ["联合党支部", "联合支部"];
        ClusterCommittee = "cluster_committee", "集群党委", ["产业集群党委", "集群党组织"];
    }
);

/// The "3" subjects, "6" directions and "X" carriers as Songjiang's reports name them: the
/// defaults of a new round, which the officer edits (other reports list other sixes).
pub const DEFAULT_SUBJECTS: [&str; 3] =
    ["“卡脖子”关键核心技术", "领军人才、拔尖人才创新团队", "头部企业和行业隐形冠军"];
pub const DEFAULT_DIRECTIONS: [&str; 6] = ["科技攻关", "转型升级", "创新创业", "品牌塑造", "成果转化", "人才培养"];
pub const DEFAULT_CARRIERS: [&str; 4] =
    ["党员科技创新工作室", "党员名师带徒工作室", "党员科技创新示范岗", "党员科技创新先锋团队"];

/// Most entries of a round's list, and characters of one entry.
pub const MAX_LIST: usize = 20;
pub const MAX_LIST_ENTRY: usize = 40;

/// A round's list as the officer typed it (one per line, or separated by 、，;), trimmed,
/// without blanks or repeats; refused when empty or too long.
pub fn parse_list(field: &'static str, s: &str) -> Result<Vec<String>, crate::fields::FieldError> {
    let mut out: Vec<String> = Vec::new();
    for entry in s.split(['\n', '、', '，', ',', ';', '；']).map(str::trim).filter(|e| !e.is_empty()) {
        if entry.chars().count() > MAX_LIST_ENTRY {
            return Err(crate::fields::FieldError {
                key: field,
                message: format!("“{entry}”过长，每项最多 {MAX_LIST_ENTRY} 个字"),
            });
        }
        if !out.iter().any(|e| e == entry) {
            out.push(entry.to_owned());
        }
    }
    if out.is_empty() || out.len() > MAX_LIST {
        return Err(crate::fields::FieldError { key: field, message: format!("应有 1–{MAX_LIST} 项") });
    }
    Ok(out)
}

/// The default rubric: each department owns its criteria (组织部 Party leadership and the
/// members' role 40; 经委 industrial value 30; 科委 technology 30), plus one veto item each for
/// 组织部 (a serious breach of discipline) and 科委 (disputed ownership of the core IP).
pub fn default_rubric() -> Rubric {
    let c = |key: &str, name: &str, side: ReviewSide, weight: u32, levels: [&str; 3]| Criterion {
        key: key.to_owned(),
        name: name.to_owned(),
        side,
        weight,
        max: 10,
        levels: vec![
            Level { score: 3, text: levels[0].to_owned() },
            Level { score: 6, text: levels[1].to_owned() },
            Level { score: 10, text: levels[2].to_owned() },
        ],
        veto: false,
    };
    let veto = |key: &str, name: &str, side: ReviewSide| Criterion {
        key: key.to_owned(),
        name: name.to_owned(),
        side,
        weight: 0,
        max: 1,
        levels: Vec::new(),
        veto: true,
    };
    Rubric {
        criteria: vec![
            c(
                "party_lead",
                "党建引领",
                ReviewSide::Organisation,
                20,
                ["党组织参与有限", "党组织牵头组织", "党组织全程领衔、机制健全"],
            ),
            c(
                "members_role",
                "党员作用发挥",
                ReviewSide::Organisation,
                20,
                ["党员参与少", "党员骨干担纲", "党员团队攻坚、带动明显"],
            ),
            c(
                "industry_value",
                "产业价值",
                ReviewSide::Economy,
                30,
                ["效益不明确", "带动本企业发展", "带动产业链上下游"],
            ),
            c("technology", "技术创新", ReviewSide::Science, 30, ["常规改进", "行业先进", "突破“卡脖子”、国内领先"]),
            veto("discipline", "存在严重违纪违法问题", ReviewSide::Organisation),
            veto("ip_dispute", "核心知识产权权属存在争议", ReviewSide::Science),
        ],
    }
}

#[cfg(test)]
mod defaults_tests {
    use super::*;

    #[test]
    fn the_defaults_are_usable() {
        assert!(default_rubric().check().is_ok());
        assert_eq!(
            parse_list("directions", "科技攻关、转型升级\n科技攻关；人才培养").unwrap(),
            ["科技攻关", "转型升级", "人才培养"]
        );
        assert!(parse_list("directions", " 、 ").is_err());
    }
}
