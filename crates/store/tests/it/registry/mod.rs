mod edits;
mod import;
mod list_counts;
mod orgs;
mod personal_data;
mod proposals;
