mod edits;
mod import;
mod orgs;
mod personal_data;
