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
mod ranking;
mod round;
mod rubric;
mod states;

pub use assignment::{Assignment, AssignmentInput, ReviewerLoad, Shortfall, Slot, propose};
pub use conflicts::{ApplicantTies, ConflictKind, Pin, ReviewerTies, conflicts};
pub use ranking::{DISAGREEMENT_POINTS, MIN_SHEETS_TO_NORMALISE, Ranked, SheetTotal, rank};
pub use round::{RoundDates, RoundPhase};
pub use rubric::{Criterion, Level, Rubric, RubricError, ScoreSheet, SheetError};
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
