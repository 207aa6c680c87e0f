//! Coded values: one macro for every set of codes with Chinese labels (发布范围, 单位类型,
//! 工单状态 …), so each has a stable code (what a column, a URL and the API hold), the label
//! a page shows, and the short and common forms offices write in their spreadsheets.
//!
//! Two ways in, on purpose different: [`from_code`](Labelled::from_code) reads what the
//! system itself wrote (a column, a select's value) and accepts the exact code only;
//! `parse` reads what a person typed and accepts code, label or alias, trimmed, full-width
//! folded and case-blind. Neither falls back to a default: an unknown value is an error that
//! names the field and lists what may be written instead.
//!
//! With the cargo feature `db` each enum is also a SeaORM column value (a string column
//! holding the code, typed as a `String` field's column is; 专精特新's a number), so the store
//! maps columns to these types without the domain knowing SQL, and a stored value that is no
//! code is an error naming the column and the value ([`StoredCodeError`]).

use std::fmt;

/// A value that is none of a coded set's codes, labels or aliases.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}：“{value}”无法识别，可填：{accepted}")]
pub struct CodeError {
    /// The field's Chinese name, as a form or a column header shows it.
    pub field: &'static str,
    pub value: String,
    /// The accepted values, "集群内（集群）、本镇（街镇、镇）…".
    pub accepted: String,
}

/// What every coded set offers; the macro implements it, generic code (selects, imports,
/// tests) uses it.
pub trait Labelled: Copy + Eq + 'static {
    /// The field's Chinese name, for messages.
    const FIELD: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    /// Other ways offices write it (besides the code and the label).
    fn aliases(self) -> &'static [&'static str];

    /// The value the system wrote: the exact code.
    fn from_code(code: &str) -> Result<Self, CodeError> {
        Self::all().iter().copied().find(|v| v.code() == code).ok_or_else(|| Self::refuse(code))
    }

    /// What a person typed: code, label or alias, trimmed, full-width folded, case-blind.
    fn parse(s: &str) -> Result<Self, CodeError> {
        if crate::limits::over(s, crate::limits::CODE_CHARS).is_some() {
            return Err(Self::refuse(s));
        }
        let key = fold(s);
        Self::all()
            .iter()
            .copied()
            .find(|v| fold(v.code()) == key || fold(v.label()) == key || v.aliases().iter().any(|a| fold(a) == key))
            .ok_or_else(|| Self::refuse(s))
    }

    /// "集群内（集群）、本镇（街镇、镇）…": the labels, with their short forms.
    fn accepted() -> String {
        Self::all()
            .iter()
            .map(|v| {
                // English words (yes, town) are accepted but not advertised to a Chinese office.
                let short: Vec<&str> = v
                    .aliases()
                    .iter()
                    .copied()
                    .filter(|a| !a.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    .collect();
                if short.is_empty() {
                    v.label().to_owned()
                } else {
                    format!("{}（{}）", v.label(), short.join("、"))
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }

    fn refuse(value: &str) -> CodeError {
        CodeError { field: Self::FIELD, value: crate::limits::echo(value), accepted: Self::accepted() }
    }
}

/// The key values are compared by: [`compact`](crate::text::compact)ed (full-width
/// folded, spaces gone), ASCII lower-cased, and the quotes people put around names dropped.
pub fn fold(s: &str) -> String {
    crate::text::compact(s)
        .chars()
        .filter(|c| !matches!(c, '“' | '”' | '"' | '\'' | '‘' | '’'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A yes/no column as offices fill it: 是/否, √/×, Y/N, 有/无, 1/0 …; empty is no.
pub fn parse_bool(field: &'static str, s: &str) -> Result<bool, CodeError> {
    let key = if crate::limits::over(s, crate::limits::CODE_CHARS).is_some() { "?".to_owned() } else { fold(s) };
    match key.as_str() {
        "" | "否" | "n" | "no" | "0" | "false" | "×" | "x" | "✗" | "✘" | "无" | "不是" | "非" | "f" | "off" => {
            Ok(false)
        }
        "是" | "y" | "yes" | "1" | "true" | "√" | "✓" | "✔" | "有" | "t" | "on" | "对" => Ok(true),
        _ => Err(CodeError {
            field,
            value: crate::limits::echo(s),
            accepted: "是（√、Y、1、有）、否（×、N、0、无、空白）".to_owned(),
        }),
    }
}

/// Shows a coded value by its label, as a page does.
pub struct Label<T: Labelled>(pub T);

impl<T: Labelled> fmt::Display for Label<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.label())
    }
}

/// A code read back from a column that no value of its set has (a row written by hand, or
/// by a newer version): never read as some default. The store names the table from it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{column} 列中的值“{value}”不是{field}的代码")]
pub struct StoredCodeError {
    /// The set's Chinese name.
    pub field: &'static str,
    /// The set's Rust name (`UnitKind`), which with the column tells the store the table.
    pub set: &'static str,
    pub column: String,
    pub value: String,
}

/// Declares a coded set:
///
/// ```ignore
/// labelled_enum!(
///     /// How far a listing is published.
///     Reach: "发布范围" {
///         Cluster = "cluster", "集群内", ["集群"];
///         Town = "town", "本镇", ["街镇", "镇"];
///     }
/// );
/// ```
///
/// Each variant: its code (stored, never changed), its label, and the aliases offices write.
/// The variants' order is their order in selects and, where the enum is ordered, their rank.
///
/// A set whose column holds a number (专精特新's 0–3, compared with ≥) says so with `in i16`
/// after its name and `=> n` after each variant; the text code is still what forms and the API
/// send. Such a set writes its own `parse` (the macro gives it only the exact one of
/// [`Labelled`]), since registers spell levels in longer ways.
///
/// With the `db` feature the enum is a SeaORM column value (`ValueType`, `TryGetable` …),
/// written by hand rather than derived so that an unknown stored value is a
/// [`StoredCodeError`] naming the column and the value.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $name:ident : $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(, [$($alias:literal),* $(,)?])? ; )+
        }
    ) => {
        $crate::codes::labelled_enum!(@enum $(#[$meta])* $name : $field {
            $( $(#[$vmeta])* $variant = $code, $label $(, [$($alias),*])? ; )+
        });

        impl $name {
            /// What a person typed: code, label or alias (trimmed, full-width folded).
            pub fn parse(s: &str) -> Result<$name, $crate::codes::CodeError> {
                <$name as $crate::codes::Labelled>::parse(s)
            }
        }

        // The column holds the code, typed as a `String` field's column is (String(None),
        // not Text), so mapping a field to the enum leaves the entity's DDL unchanged.
        $crate::codes::labelled_enum!(@db $name : $field, String,
            sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None),
            |v| v.code().to_owned(), |s| $name::ALL.into_iter().find(|v| v.code() == s.as_str()));
    };
    (
        $(#[$meta:meta])*
        $name:ident : $field:literal in i16 {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(, [$($alias:literal),* $(,)?])? => $num:literal ; )+
        }
    ) => {
        $crate::codes::labelled_enum!(@enum $(#[$meta])* $name : $field {
            $( $(#[$vmeta])* $variant = $code, $label $(, [$($alias),*])? ; )+
        });

        impl $name {
            /// The number the column holds.
            pub fn number(self) -> i16 {
                match self { $($name::$variant => $num),+ }
            }
        }

        $crate::codes::labelled_enum!(@db $name : $field, i16, sea_orm::sea_query::ColumnType::SmallInteger,
            |v| v.number(), |n| $name::ALL.into_iter().find(|v| v.number() == *n));
    };
    (
        @enum
        $(#[$meta:meta])*
        $name:ident : $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(, [$($alias:literal),* $(,)?])? ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $code)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order selects show them.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];
            /// The field's Chinese name, for messages.
            pub const FIELD: &'static str = $field;

            /// The stable code stored in the database and used in URLs and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($($alias),*)?]),+ }
            }

            /// The value the system wrote (a column, a select): the exact code, or an error.
            pub fn from_code(code: &str) -> Result<$name, $crate::codes::CodeError> {
                <$name as $crate::codes::Labelled>::from_code(code)
            }

            /// The accepted values, for a hint beside an input.
            pub fn accepted() -> String {
                <$name as $crate::codes::Labelled>::accepted()
            }
        }

        impl $crate::codes::Labelled for $name {
            const FIELD: &'static str = $field;
            fn all() -> &'static [$name] { &$name::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn label(self) -> &'static str { $name::label(self) }
            fn aliases(self) -> &'static [&'static str] { $name::aliases(self) }
        }

        impl std::fmt::Display for $name {
            /// The label: what a page shows.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
    (
        @db $name:ident : $field:literal, $stored:ty, $column_type:expr,
        |$v:ident| $to:expr, |$s:ident| $from:expr
    ) => {
        #[cfg(feature = "db")]
        const _: () = {
            use sea_orm::sea_query::{self, Value, ValueTypeErr};

            impl $name {
                /// The value in the column, or None for a value no version wrote.
                // The column's own type (String or i16), as SeaORM hands it over.
                #[allow(clippy::ptr_arg)]
                fn from_stored($s: &$stored) -> Option<$name> {
                    $from
                }
            }

            impl sea_query::ValueType for $name {
                fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
                    let stored = <$stored as sea_query::ValueType>::try_from(value)?;
                    $name::from_stored(&stored).ok_or(ValueTypeErr)
                }
                fn type_name() -> String {
                    stringify!($name).to_owned()
                }
                fn array_type() -> sea_query::ArrayType {
                    <$stored as sea_query::ValueType>::array_type()
                }
                fn column_type() -> sea_query::ColumnType {
                    $column_type
                }
            }

            impl sea_query::Nullable for $name {
                fn null() -> Value {
                    <$stored as sea_query::Nullable>::null()
                }
            }

            impl From<$name> for Value {
                fn from($v: $name) -> Value {
                    Value::from($to)
                }
            }

            impl sea_orm::TryGetable for $name {
                fn try_get_by<I: sea_orm::ColIdx>(
                    res: &sea_orm::QueryResult,
                    index: I,
                ) -> Result<Self, sea_orm::TryGetError> {
                    let stored = <$stored as sea_orm::TryGetable>::try_get_by(res, index)?;
                    $name::from_stored(&stored).ok_or_else(|| {
                        let error = $crate::codes::StoredCodeError {
                            field: $field,
                            set: stringify!($name),
                            column: format!("{index:?}").trim_matches('"').to_owned(),
                            value: stored.to_string(),
                        };
                        sea_orm::TryGetError::DbErr(sea_orm::DbErr::TryIntoErr {
                            from: "column",
                            into: stringify!($name),
                            source: std::sync::Arc::new(error),
                        })
                    })
                }
            }

            impl sea_orm::IntoActiveValue<$name> for $name {
                fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                    sea_orm::ActiveValue::Set(self)
                }
            }
        };
    };
}

pub(crate) use labelled_enum;

/// What someone does to a record of a state machine (交办, 审核通过 …): each variant with the
/// code a form sends and the verb that messages, buttons and the audit line say. Not stored.
///
/// ```ignore
/// verb_enum!(
///     /// What someone does to an issue.
///     IssueAction for IssueState.actions {
///         Assign = "assign", "交办";
///         Resolve = "resolve", "办结";
///     }
/// );
/// ```
///
/// `for State.list` gives the state type `fn list(self) -> Vec<Action>`: the actions its
/// `next` takes from that state, for the buttons a page offers.
macro_rules! verb_enum {
    (
        $(#[$meta:meta])*
        $name:ident for $state:ident . $list:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $verb:literal ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The verb, for messages, buttons and the audit line.
            pub fn verb(self) -> &'static str {
                match self { $($name::$variant => $verb),+ }
            }

            /// The code a form sends.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(s: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|a| a.code() == s.trim())
            }
        }

        impl $state {
            /// The actions that apply now, for the buttons a page offers.
            pub fn $list(self) -> Vec<$name> {
                $name::ALL.into_iter().filter(|a| self.next(*a).is_ok()).collect()
            }
        }
    };
}
pub(crate) use verb_enum;

/// Checks a state machine against its table: every `(from, action, to)` in `allowed` is
/// taken, and every other pair is refused, the refusal checked by `refused`.
#[cfg(test)]
pub(crate) fn check_transitions<S: Copy + PartialEq + std::fmt::Debug, A: Copy + PartialEq, E: std::fmt::Debug>(
    states: &[S],
    actions: &[A],
    allowed: &[(S, A, S)],
    next: impl Fn(S, A) -> Result<S, E>,
    refused: impl Fn(S, A, E),
) {
    for &from in states {
        for &action in actions {
            match allowed.iter().find(|(f, a, _)| *f == from && *a == action) {
                Some(&(_, _, to)) => assert_eq!(next(from, action).unwrap(), to),
                None => refused(from, action, next(from, action).unwrap_err()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::Reach;

    #[test]
    fn codes_are_exact_and_typed_values_forgiving() {
        assert_eq!(Reach::from_code("town"), Ok(Reach::Town));
        assert!(Reach::from_code("本镇").is_err(), "a stored value is a code, not a label");
        assert!(Reach::from_code("Town").is_err());
        for s in ["集群", "集群内", " cluster ", "ＣＬＵＳＴＥＲ"] {
            assert_eq!(Reach::parse(s), Ok(Reach::Cluster), "{s}");
        }
        for (s, r) in [("街镇", Reach::Town), ("本镇", Reach::Town), ("镇", Reach::Town), ("区", Reach::District)]
        {
            assert_eq!(Reach::parse(s), Ok(r), "{s}");
        }
        for s in ["G60", "g60", "G60走廊", "走廊", "Ｇ６０"] {
            assert_eq!(Reach::parse(s), Ok(Reach::Corridor), "{s}");
        }
    }

    #[test]
    fn a_refusal_names_the_field_and_lists_the_choices() {
        let e = Reach::parse(" 全市 ").unwrap_err();
        assert_eq!(e.field, "发布范围");
        assert_eq!(
            e.to_string(),
            "发布范围：“全市”无法识别，可填：集群内（集群、本集群）、本镇（街镇、镇、本街镇）、本区（区、全区、区内）、G60走廊（G60、走廊、G60科创走廊）"
        );
    }

    #[test]
    fn every_code_label_and_alias_reads_back_and_none_is_shared() {
        fn check<T: Labelled + std::fmt::Debug>() {
            let mut seen = std::collections::HashMap::new();
            for v in T::all() {
                assert_eq!(T::from_code(v.code()), Ok(*v));
                for s in [v.code(), v.label()].into_iter().chain(v.aliases().iter().copied()) {
                    assert_eq!(T::parse(s), Ok(*v), "{}: {s}", T::FIELD);
                    if let Some(other) = seen.insert(fold(s), *v) {
                        assert_eq!(other, *v, "{}: “{s}” means two values", T::FIELD);
                    }
                }
            }
        }
        use crate::matching::*;
        check::<ListingKind>();
        check::<ListingCategory>();
        check::<ListingStatus>();
        check::<Urgency>();
        check::<Reach>();
        check::<Distance>();
        check::<ChainRelation>();
        check::<IntroductionState>();
        check::<crate::registry::UnitKind>();
        check::<crate::registry::OrgKind>();
        check::<crate::registry::SrdiLevel>();
        check::<crate::registry::OrgForm>();
        check::<crate::bodies::StudioTarget>();
        check::<crate::registry::OrgEventKind>();
        check::<crate::coverage::CoverageStatus>();
        check::<crate::calendar::DayKind>();
        check::<crate::auth::Role>();
        check::<crate::registry::OfficerRole>();
        check::<crate::registry::PairingKind>();
        check::<crate::coverage::WorkLinkKind>();
        check::<crate::coverage::AssignmentState>();
        check::<crate::services::RequestState>();
        check::<crate::services::EventKind>();
        check::<crate::services::Colour>();
        check::<crate::policies::Validity>();
        check::<crate::people::TransferState>();
        check::<crate::people::development::Stage>();
        // The sets added since: every set a column of `entity::CODED_COLUMNS` holds.
        check::<crate::people::Gender>();
        check::<crate::people::Education>();
        check::<crate::people::MemberCategory>();
        check::<crate::people::Standing>();
        check::<crate::activities::ActivityKind>();
        check::<crate::activities::OrganiserKind>();
        check::<crate::activities::IssueTarget>();
        check::<crate::bodies::MeetingKind>();
        check::<crate::bodies::IssueState>();
        check::<crate::bodies::HeadIdentity>();
        check::<crate::bodies::PairingMode>();
        check::<crate::bodies::Checker>();
        check::<crate::bodies::ActionKind>();
        check::<crate::bodies::HeadState>();
        check::<crate::bodies::TalentKind>();
        check::<crate::bodies::SelectionState>();
        check::<crate::projects::ReviewSide>();
        check::<crate::projects::ApplicantKind>();
        check::<crate::projects::ApplicationState>();
        check::<crate::projects::Tier>();
        check::<crate::projects::RoundPhase>();
        check::<crate::projects::OutcomeState>();
        check::<crate::projects::OutcomeMetric>();
        check::<crate::projects::SupportKind>();
        check::<crate::projects::ConflictKind>();
        check::<crate::registry::ProposalKind>();
        check::<crate::registry::ProposalState>();
        check::<crate::results::Indicator>();
        check::<crate::workgroups::WorkgroupKind>();
        check::<crate::workgroups::WorkgroupState>();
    }

    #[test]
    fn the_short_forms_of_the_sets_added_since_read_and_a_refusal_lists_them() {
        use crate::auth::Role;
        use crate::bodies::{ActionKind, PairingMode, SelectionState, TalentKind};
        use crate::coverage::AssignmentState;
        use crate::registry::{OfficerRole, PairingKind};
        for (s, m) in [
            ("企业", PairingMode::EnterpriseHelps),
            ("富村", PairingMode::ProjectEnriches),
            ("产业", PairingMode::IndustryLeads),
        ] {
            assert_eq!(PairingMode::parse(s), Ok(m), "{s}");
        }
        assert_eq!(TalentKind::parse("领军"), Ok(TalentKind::Leading));
        assert_eq!(TalentKind::parse(" 拔尖 "), Ok(TalentKind::TopNotch));
        assert_eq!(SelectionState::parse("落选"), Ok(SelectionState::NotSelected));
        assert_eq!(ActionKind::parse("规定"), Ok(ActionKind::Mandatory));
        assert_eq!(OfficerRole::parse("党委委员"), Ok(OfficerRole::Member));
        assert_eq!(PairingKind::parse("支部共建"), Ok(PairingKind::BranchBranch));
        assert_eq!(AssignmentState::parse("办结"), Ok(AssignmentState::Closed));
        assert_eq!(Role::parse("专家"), Ok(Role::Reviewer));
        assert_eq!(Role::parse("审计员"), Ok(Role::AuditAdmin));
        let e = PairingMode::parse("结对帮扶").unwrap_err();
        assert_eq!(
            e.to_string(),
            "结对方式：“结对帮扶”无法识别，可填：企业帮村（企业、帮村）、项目富村（项目、富村）、产业带村（产业、带村）"
        );
        let e = TalentKind::parse("青年").unwrap_err();
        assert!(e.accepted.contains("领军人才（领军、领军型人才）"), "{e}");
    }

    #[test]
    fn booleans_as_offices_write_them() {
        for s in ["是", "√", "Y", "y", "1", "有", "✓", "ＹＥＳ"] {
            assert_eq!(parse_bool("高新技术企业", s), Ok(true), "{s}");
        }
        for s in ["", "否", "×", "N", "0", "无", " "] {
            assert_eq!(parse_bool("高新技术企业", s), Ok(false), "{s}");
        }
        let e = parse_bool("高新技术企业", "待定").unwrap_err();
        assert!(e.to_string().starts_with("高新技术企业：“待定”无法识别，可填：是"), "{e}");
    }
}

/// Under the `db` feature each coded enum is a SeaORM column value whose stored text is its
/// code, so an entity field can be the enum while the column keeps the text it always had.
#[cfg(all(test, feature = "db"))]
mod db_tests {
    use sea_orm::sea_query::{ColumnType, StringLen, Value, ValueType};

    use super::StoredCodeError;
    use crate::matching::{IntroductionState, Reach};
    use crate::registry::SrdiLevel;
    use crate::services::RequestState;

    #[test]
    fn the_column_holds_the_code() {
        for r in Reach::ALL {
            assert_eq!(Value::from(r), Value::from(r.code()));
            assert_eq!(<Reach as ValueType>::try_from(Value::from(r.code())).ok(), Some(r));
        }
        assert!(<Reach as ValueType>::try_from(Value::from("本镇")).is_err(), "a label is not a stored value");
        assert_eq!(Value::from(RequestState::Waiting), Value::from("waiting"));
        assert_eq!(<IntroductionState as ValueType>::try_from(Value::from("won")).ok(), Some(IntroductionState::Won));
        assert_eq!(
            <Reach as ValueType>::column_type(),
            ColumnType::String(StringLen::None),
            "the type of a String field: mapping a column to the enum changes no DDL"
        );
    }

    #[test]
    fn the_srdi_column_holds_its_number() {
        assert_eq!(Value::from(SrdiLevel::Municipal), Value::from(2i16));
        assert_eq!(<SrdiLevel as ValueType>::try_from(Value::from(3i16)).ok(), Some(SrdiLevel::National));
        assert!(<SrdiLevel as ValueType>::try_from(Value::from(7i16)).is_err());
        assert_eq!(<SrdiLevel as ValueType>::column_type(), ColumnType::SmallInteger, "as the i16 field's was");
        assert!(SrdiLevel::None < SrdiLevel::Innovative && SrdiLevel::Municipal < SrdiLevel::National);
    }

    #[test]
    fn an_unknown_stored_code_names_the_column_and_the_value() {
        let e = StoredCodeError { field: "发布范围", set: "Reach", column: "reach".into(), value: "city".into() };
        assert_eq!(e.to_string(), "reach 列中的值“city”不是发布范围的代码");
    }
}
