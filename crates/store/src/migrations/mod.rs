//! The steps of [`crate::migrate`], one file per step, each holding the statements that step
//! runs on SQLite and on PostgreSQL as text, exactly as it shipped. A step never changes
//! after it has shipped and depends on nothing outside its file (no entity, no shared SQL
//! builder), so a database created at any step and migrated on reaches the same schema as a
//! fresh one (`tests/it/migrations.rs` checks it on both databases). What is frozen is the text;
//! the `frozen` test below pins it by digest.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) mod m0001_registry;
pub(crate) mod m0002_coverage;
pub(crate) mod m0003_enterprise_list_index;
pub(crate) mod m0004_services;
pub(crate) mod m0005_policies;
pub(crate) mod m0006_service_attachments;
pub(crate) mod m0007_service_elapsed;
pub(crate) mod m0008_service_derived;
pub(crate) mod m0009_matching;
pub(crate) mod m0010_service_report_towns;
pub(crate) mod m0011_account_sessions;
pub(crate) mod m0012_imports;
pub(crate) mod m0013_projects;
pub(crate) mod m0014_project_outcomes;
pub(crate) mod m0015_listing_vectors;
pub(crate) mod m0016_registry_proposals;
pub(crate) mod m0017_projects;
pub(crate) mod m0018_bodies;
pub(crate) mod m0019_results;
pub(crate) mod m0020_people;
pub(crate) mod m0021_introduction_departments;
pub(crate) mod m0022_development;
pub(crate) mod m0023_activities;
pub(crate) mod m0024_villages;
pub(crate) mod m0025_instructors;
pub(crate) mod m0026_bodies_links;
pub(crate) mod m0027_results_sums;
pub(crate) mod m0028_workgroups;
pub(crate) mod m0029_party_groups;
pub(crate) mod m0030_results_towns;
pub(crate) mod m0031_member_indexes;

/// Runs a step's statements for the backend, in order, one at a time. Anything but
/// PostgreSQL is SQLite, as everywhere in the store.
async fn apply(db: &impl ConnectionTrait, backend: DbBackend, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match backend {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// What is frozen is the text each step runs, not the Rust around it: each shipped step's
/// statements are pinned by their SM3 digest, so a step can be tidied (a statement the two
/// backends share written once, a `const` made visible) but not changed. A new step adds its
/// line here; the failure message prints every step's digest to copy from.
#[cfg(test)]
mod frozen {
    use super::*;
    use sm3::{Digest, Sm3};

    /// Step, SM3 of its statements (SQLite's, then PostgreSQL's, each ended by a NUL, the two
    /// lists parted by 0x01; step 7 also its conditional columns).
    const DIGESTS: &[(i64, &str)] = &[
        (1, "4ec424539c59cc88df70e0408ddfd6f396ae70c3a03800c0ea6c4946e37774ea"),
        (2, "00e1b1de9235eaa1096f238dcce30260ca22c493c6f580c3784a63559306b923"),
        (3, "60ee43fa7cb747937b6312f17b7c473fddcf2005098f606ff3d6e9c7facce2ab"),
        (4, "e5a6ba50ddd8e9e34c5c74c0d8d184a992d3cf879d17add98d111c4c53d27e33"),
        (5, "e71bfa286009943d06e29487d53f8ec92ad3a4516d128fcfc9a0796b7aed67bc"),
        (6, "9249a448917f2118b7ff4a0491312fb016e2c47532a6265d185663a46b608672"),
        (7, "2cde96620b79c0d510d1a17e78535658c3de9737b370ea2ac8ee409b9b17873c"),
        (8, "513ff43e6c965fb26e41826296d2a3375c883569cbd5ef062bdc6194ff0e88ca"),
        (9, "fed29fce759a8cf8f33666ffb59ca304db627844b4fff92596c7e546aa958644"),
        (10, "195094ba0a01796b1d3c3c13320d7632982c3184c59a044a91071c1606dc8733"),
        (11, "039ca41497a05f2555ba22e15d7a5c059c08cd25d9ebe2b2ce0f41d7c2f092f4"),
        (12, "c5a428d5c45ea2babbe7c3e3803ca0ba895b80c4e4a6712c913788f05450cad6"),
        (13, "e3b606161875eb92f37d3191f48b0243231e5bc4ceb07571a502b429a88bcf32"),
        (14, "27925d0a04cf35eb94d91fd9a317c11e49a580bc2041c62c92cb8da030c9cc3f"),
        (15, "532aaad587484040da2cb1c4c60c26d8df03f7f79a4cc810e01fbb6f6bed7c3c"),
        (16, "1a463c7e04161a125f5ffc2cd8ea50403cf697a81c1be9a3b877ed673f487361"),
        (17, "5e2fd530c2ef5b629bd2d8ecf746c9437805282fe5fa7f435dd18a067dc3c8aa"),
        (18, "f4e3b65dd76c637f9040e1d0d51ff9e9ab925bc81e4dd528be7c98c758fc70e9"),
        (19, "d7956274585d5ff07452e3881fccf6e4cca59f5a62236c534bafef8e07939d3b"),
        (20, "e574545154f6ef9503d18056f93c02af7829acb2b1267473ebd93598ed8ec60d"),
        (21, "cbb7c4fa7ff08181cd9163be404ff95be2e0a79323f8543e2d517d45f7ae6464"),
        (22, "7f747632ea6906a424e29a4d26411489ce5336c04248c5ff5996d0a21b40f791"),
        (23, "c3e36e5b33c07336689ca6a863ab13fc5888a2a9b8bd545f0cac80a18b867ed4"),
        (24, "b6db1ff4d4f672ed06730509ed26fd1e4eba48d471e965db76f2ca098dfa2899"),
        (25, "5c850b552e7ce8bd5b71085a60e0bdfdb11f44426bc02e016f38a4ef154aa8ef"),
        (26, "d8ff0a1ee70caa154465a8388aeecad9c39c02b8e342b43c0ccf48209c28baa2"),
        (27, "505e410923a982422f84c58a925a532e4b1686d11b0f8f18aa3c18ad9d0397ca"),
        (28, "2d25262e553a7f3da9cb7239f260489af3f86f84f15a5a0b1f5b802d6ff99d30"),
        (29, "052ec4e55527cd31657adad4dfea48e037aadfe1122002d80a27db4b27bd5391"),
        (30, "c8e38cc695944102d2cda1b98dd2aa88110afad759b7ba508c643de00f3cdcdf"),
        (31, "ef1ca3c1e27f90f86e2e1d1de7ef7a8847a717281c3bd512cf6dc6170b153bfa"),
    ];

    fn texts() -> Vec<(i64, &'static [&'static str], &'static [&'static str])> {
        vec![
            (1, m0001_registry::SQLITE, m0001_registry::POSTGRES),
            (2, m0002_coverage::SQLITE, m0002_coverage::POSTGRES),
            (3, m0003_enterprise_list_index::SQLITE, m0003_enterprise_list_index::POSTGRES),
            (4, m0004_services::SQLITE, m0004_services::POSTGRES),
            (5, m0005_policies::SQLITE, m0005_policies::POSTGRES),
            (6, m0006_service_attachments::SQLITE, m0006_service_attachments::POSTGRES),
            (7, m0007_service_elapsed::SQLITE, m0007_service_elapsed::POSTGRES),
            (8, m0008_service_derived::SQLITE, m0008_service_derived::POSTGRES),
            (9, m0009_matching::SQLITE, m0009_matching::POSTGRES),
            (10, m0010_service_report_towns::SQLITE, m0010_service_report_towns::POSTGRES),
            (11, m0011_account_sessions::SQLITE, m0011_account_sessions::POSTGRES),
            (12, m0012_imports::SQLITE, m0012_imports::POSTGRES),
            (13, m0013_projects::SQLITE, m0013_projects::POSTGRES),
            (14, m0014_project_outcomes::SQLITE, m0014_project_outcomes::POSTGRES),
            (15, m0015_listing_vectors::SQLITE, m0015_listing_vectors::POSTGRES),
            (16, m0016_registry_proposals::SQLITE, m0016_registry_proposals::POSTGRES),
            (17, m0017_projects::SQLITE, m0017_projects::POSTGRES),
            (18, m0018_bodies::SQLITE, m0018_bodies::POSTGRES),
            (19, m0019_results::SQLITE, m0019_results::POSTGRES),
            (20, m0020_people::SQLITE, m0020_people::POSTGRES),
            (21, m0021_introduction_departments::SQLITE, m0021_introduction_departments::POSTGRES),
            (22, m0022_development::SQLITE, m0022_development::POSTGRES),
            (23, m0023_activities::SQLITE, m0023_activities::POSTGRES),
            (24, m0024_villages::SQLITE, m0024_villages::POSTGRES),
            (25, m0025_instructors::SQLITE, m0025_instructors::POSTGRES),
            (26, m0026_bodies_links::SQLITE, m0026_bodies_links::POSTGRES),
            (27, m0027_results_sums::SQLITE, m0027_results_sums::POSTGRES),
            (28, m0028_workgroups::SQLITE, m0028_workgroups::POSTGRES),
            (29, m0029_party_groups::SQLITE, m0029_party_groups::POSTGRES),
            (30, m0030_results_towns::SQLITE, m0030_results_towns::POSTGRES),
            (31, m0031_member_indexes::SQLITE, m0031_member_indexes::POSTGRES),
        ]
    }

    fn digest(version: i64, sqlite: &[&str], postgres: &[&str]) -> String {
        let mut hash = Sm3::new();
        for statement in sqlite {
            hash.update(statement.as_bytes());
            hash.update([0]);
        }
        hash.update([1]);
        for statement in postgres {
            hash.update(statement.as_bytes());
            hash.update([0]);
        }
        if version == 7 {
            for (column, add) in m0007_service_elapsed::ADD_COLUMNS {
                hash.update(column.as_bytes());
                hash.update(add.as_bytes());
                hash.update([0]);
            }
        }
        hex::encode(hash.finalize())
    }

    #[test]
    fn no_shipped_step_runs_other_text_than_it_shipped_with() {
        let actual: Vec<(i64, String)> = texts()
            .into_iter()
            .map(|(version, sqlite, postgres)| (version, digest(version, sqlite, postgres)))
            .collect();
        let table: String = actual.iter().map(|(version, hex)| format!("        ({version}, \"{hex}\"),\n")).collect();
        let steps: Vec<i64> = crate::migrate::STEPS.iter().map(|(version, _)| *version).collect();
        let pinned: Vec<i64> = DIGESTS.iter().map(|(version, _)| *version).collect();
        let listed: Vec<i64> = actual.iter().map(|(version, _)| *version).collect();
        assert_eq!(listed, steps, "every step in migrate::STEPS has its texts listed here");
        assert_eq!(pinned, steps, "every step has its digest pinned; the digests now:\n{table}");
        for ((version, expected), (_, got)) in DIGESTS.iter().zip(&actual) {
            assert_eq!(
                got, expected,
                "step {version} would run other statements than it shipped with: a shipped step is frozen \
                 (docs/decisions/0005-frozen-migrations.md); add a step instead. The digests now:\n{table}"
            );
        }
    }
}
