//! The domain of qunlian: values that exist only when valid (built by `parse()`), the rules
//! of each capability, and the errors a user is shown. No SQL and no HTTP live here.

/// The accessors of a code kept as its row in the file's static `TABLE` of `Entry`s (each
/// with its `code` and `name`): the row, the code as written, the name.
macro_rules! table_code {
    ($ty:ident) => {
        impl $ty {
            fn entry(&self) -> &'static Entry {
                &TABLE.entries[self.0 as usize]
            }

            pub fn as_str(&self) -> &'static str {
                self.entry().code
            }

            pub fn name(&self) -> &'static str {
                self.entry().name
            }
        }
    };
}

/// The conversions every value built from text by `parse()` has: `TryFrom<String>` (what
/// serde's `try_from = "String"` calls, so a stored or posted value is checked as a typed one
/// is), `FromStr`, and back to its text through `as_str`; with `Display`, shown as that text
/// too (not for values shown masked, like phones); with `Display, Debug` (the national code
/// tables), debugged as code and name, "310117 松江区".
macro_rules! parsed_from_text {
    ($ty:ident, $err:ty; Display, Debug) => {
        parsed_from_text!($ty, $err; Display);

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} {}", self.as_str(), self.name())
            }
        }
    };
    ($ty:ident, $err:ty; Display) => {
        parsed_from_text!($ty, $err);

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    ($ty:ident, $err:ty) => {
        impl TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $ty::parse(&s)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.as_str().to_owned()
            }
        }
    };
}

pub mod activities;
pub mod auth;
pub mod bodies;
pub mod briefing;
pub mod calendar;
pub mod clock;
pub mod codes;
pub mod coverage;
pub mod fields;
pub mod free_text;
pub mod id_number;
pub mod industry;
pub mod limits;
pub mod matching;
pub mod people;
pub mod phone;
pub mod policies;
pub mod projects;
pub mod region;
pub mod registry;
pub mod results;
pub mod rules;
pub mod services;
pub mod text;
pub mod uscc;
pub mod workgroups;

pub use id_number::IdNumber;
pub use industry::IndustryCode;
pub use phone::Phone;
pub use region::RegionCode;
pub use uscc::Uscc;
