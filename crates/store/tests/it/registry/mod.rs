mod edits;
mod import;
mod list_counts;
mod orgs;
pub(crate) mod personal_data;
mod proposals;
