//! The route table `routes.txt` (which identities get past each route's role check) and its
//! paths with their parameters filled from the fixture (`app_with_accounts`): read by the role
//! × route matrix (`matrix.rs`) and by the hostile-forms pass (`hostile_forms.rs`).

use std::collections::BTreeMap;

use qunlian_testkit::uscc;

/// The letter of each identity in `routes.txt`.
pub(crate) const IDENTITIES: [(char, &str); 14] = [
    ('D', "district"),
    ('T', "town"),
    ('S', "secretary"),
    ('B', "branch"),
    ('C', "contact"),
    ('O', "officer"),
    ('H', "head"),
    ('R', "reviewer"),
    ('L', "leader"),
    ('Y', "sysadmin"),
    ('X', "security"),
    ('A', "auditor"),
    ('P', "pending"),
    ('N', "anonymous"),
];

/// The table: `(method, path) → the letters of the identities allowed`.
pub(crate) fn table() -> BTreeMap<(String, String), String> {
    include_str!("routes.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(cols.len(), 3, "routes.txt: {l}");
            ((cols[0].to_owned(), cols[1].to_owned()), cols[2].trim_matches('-').to_owned())
        })
        .collect()
}

/// A path of the table with its parameters filled: records of the fixture, or a throwaway
/// account for the account forms, so that no run disables a user of the test.
pub(crate) fn sample(path: &str, throwaway: i64) -> String {
    let mut out = path
        .replace("{uscc}", uscc(1).as_str())
        .replace("{*path}", "app.css")
        .replace("{token}", "0000")
        .replace("{aid}", "1")
        .replace("{fid}", "1")
        .replace("{oid}", "1")
        .replace("{unit}", "1")
        .replace("{link}", "1")
        .replace("{mid}", "1")
        .replace("{gid}", "1")
        .replace("{did}", "1")
        .replace("{iid}", "1");
    if out.starts_with("/users/") {
        out = out.replace("{id}", &throwaway.to_string());
    }
    out.replace("{id}", "1")
}
