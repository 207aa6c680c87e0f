//! Working bodies (issue #14): the powers of cluster committees and their uses, alliances'
//! services, meetings, decisions and issues, each with its scope; the issue figures against
//! a hand-computed case. SQLite, and PostgreSQL under `bash scripts/pg.sh`.

mod alliances;
mod issues;
mod powers;
mod structure;
mod talent;
mod villages;

use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId};
use qunlian_domain::bodies::{IssueFields, RawIssue};
use qunlian_store::{Store, StoreError};
use qunlian_testkit::*;

/// Two clusters (新桥 with a and b, 九亭 with c), the 同心园 alliance of a, b and two
/// departments, a 九亭 alliance of c alone, and the people who work on them.
pub(super) struct World {
    pub xinqiao: ClusterId,
    pub jiuting: ClusterId,
    pub a: UnitId,
    pub b: UnitId,
    pub c: UnitId,
    pub hr: UnitId,
    pub edu: UnitId,
    pub tongxin: i64,
    pub jiuting_alliance: i64,
    pub xinqiao_admin: Caller,
    pub jiuting_admin: Caller,
    pub district: Caller,
    pub xinqiao_secretary: Caller,
    pub jiuting_secretary: Caller,
    pub hr_officer: Caller,
    pub edu_officer: Caller,
    pub contact_a: Caller,
}

pub(super) async fn world(s: &Store) -> World {
    let sys = system();
    let [a, b, c] = enterprises(
        s,
        [("上海甲装备有限公司", "新桥"), ("上海乙装备有限公司", "新桥"), ("上海丙科技有限公司", "九亭")],
    )
    .await;
    let hr = department(s, 801, "上海市松江区人力资源和社会保障局").await;
    let edu = department(s, 802, "上海市松江区教育局").await;
    let xinqiao = s
        .registry()
        .create_cluster(&sys, cluster("新桥现代装备产业集群党委", "新桥装备", "装备", "新桥"))
        .await
        .unwrap();
    let jiuting =
        s.registry().create_cluster(&sys, cluster("九亭科技产业集群党委", "九亭科技", "科技", "九亭")).await.unwrap();
    for u in [a, b] {
        s.registry().add_cluster_member(&sys, xinqiao, u, false, None).await.unwrap();
    }
    s.registry().add_cluster_member(&sys, jiuting, c, false, None).await.unwrap();
    let tongxin =
        s.registry().create_alliance(&sys, "同心园党建联盟", "", None, &[a, b, hr, edu], false).await.unwrap();
    let jiuting_alliance = s.registry().create_alliance(&sys, "九亭联盟", "", None, &[c], false).await.unwrap();
    World {
        xinqiao,
        jiuting,
        a,
        b,
        c,
        hr,
        edu,
        tongxin,
        jiuting_alliance,
        xinqiao_admin: user(s, "xq_admin", Role::TownAdmin, Scope::Region(town("新桥"))).await,
        jiuting_admin: user(s, "jt_admin", Role::TownAdmin, Scope::Region(town("九亭"))).await,
        district: user(s, "district", Role::DistrictAdmin, Scope::Region(songjiang())).await,
        xinqiao_secretary: user(s, "xq_sec", Role::ClusterSecretary, Scope::Cluster(xinqiao)).await,
        jiuting_secretary: user(s, "jt_sec", Role::ClusterSecretary, Scope::Cluster(jiuting)).await,
        hr_officer: user(s, "hr_officer", Role::ServiceOfficer, Scope::Department(hr)).await,
        edu_officer: user(s, "edu_officer", Role::ServiceOfficer, Scope::Department(edu)).await,
        contact_a: user(s, "contact_a", Role::EnterpriseContact, Scope::Enterprise(a)).await,
    }
}

/// The message of a refused input.
pub(super) fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(e @ (StoreError::Invalid { .. } | StoreError::Fields(_))) => e.to_string(),
        other => panic!("expected a refused input, got {other:?}"),
    }
}

pub(super) fn is_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound))
}

pub(super) fn is_forbidden<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Forbidden))
}

/// An issue raised by `by` on `on`, given to `owner` when one is named.
pub(super) fn issue(title: &str, by: UnitId, on: &str, owner: Option<UnitId>) -> IssueFields {
    IssueFields::parse(&RawIssue {
        title: title.into(),
        raised_by: by.0.to_string(),
        raised_on: on.into(),
        owner: owner.map(|o| o.0.to_string()).unwrap_or_default(),
        ..Default::default()
    })
    .unwrap()
}

/// The audit actions recorded whose action starts with `prefix`.
pub(super) async fn audited(s: &Store, prefix: &str) -> Vec<String> {
    crate::audit_mentioning(s, prefix).await.into_iter().map(|e| e.action).collect()
}
