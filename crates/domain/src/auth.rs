//! Who may do what, and over which records. The storage layer turns a [`Scope`] into the
//! filter of every query; the web layer only asks [`Role::may`] whether to offer an action.

use serde::{Deserialize, Serialize};

use crate::RegionCode;
use crate::codes::labelled_enum;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }
    )*};
}

id_type!(
    /// A user account.
    UserId,
    /// A unit: enterprise, school, government department …
    UnitId,
    /// A Party organisation.
    OrgId,
    /// An industrial cluster.
    ClusterId,
    /// A region or park in the registry.
    RegionId,
    /// A key-enterprise category of coverage monitoring.
    CategoryId,
    /// An entry of a responsibility list (责任清单).
    AssignmentId,
    /// A dated coverage snapshot.
    SnapshotId,
);

labelled_enum!(
    /// The roles of DESIGN.md §1. The three security administrators (三员) are separate roles
    /// so that no one account both manages users and reads the audit trail.
    Role: "角色" {
        DistrictAdmin = "district_admin", "区级管理员（组织部）", ["区级管理员", "区管理员"];
        TownAdmin = "town_admin", "街镇管理员", ["镇管理员"];
        ClusterSecretary = "cluster_secretary", "集群党委书记/联络员", ["集群书记", "集群联络员"];
        BranchSecretary = "branch_secretary", "企业党组织书记", ["支部书记"];
        EnterpriseContact = "enterprise_contact", "企业联络员", ["企业联系人"];
        ServiceOfficer = "service_officer", "店小二（部门服务专员）", ["店小二", "服务专员"];
        /// 部门负责人: heads a department; handles its requests as its officers do, and overdue
        /// ones are escalated to them (超期督办).
        DepartmentHead = "department_head", "部门负责人", ["负责人", "部门领导"];
        Reviewer = "reviewer", "评审专家", ["专家", "评审"];
        Leader = "leader", "领导（只读）", ["领导"];
        SystemAdmin = "system_admin", "系统管理员", ["系统管理"];
        SecurityAdmin = "security_admin", "安全保密管理员", ["安全管理员", "保密管理员"];
        AuditAdmin = "audit_admin", "安全审计员", ["审计员", "审计管理员"];
        /// An account the system administrator created (or whose password it reset) that the
        /// security administrator has not yet given a role: it can log in, change its
        /// password and log out, nothing else.
        Pending = "pending", "待授权", ["未授权"];
    }
);

/// What a role may do; whether it may do it to a given record is the scope's business.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ReadRegistry,
    WriteRegistry,
    /// Rename, dissolve or merge Party organisations and set an enterprise's 高新 / 专精特新
    /// flags directly: those who write the registry, but an enterprise contact, who proposes
    /// such changes (`ProposeRegistryChanges`) for a town or district admin to confirm.
    RestructureRegistry,
    /// Propose such a change for one's own enterprise and the organisations covering it.
    ProposeRegistryChanges,
    /// Confirm or return proposed changes of one's area (待确认的变更).
    ConfirmRegistryChanges,
    Import,
    /// See personal data (phones, ID numbers) unmasked; each reveal is audited.
    RevealPersonal,
    ManageUsers,
    ManageSecurity,
    ReadAudit,
    /// Define key-enterprise categories, their rules and targets.
    DefineCoverage,
    /// Assign coverage gaps (责任清单), record instructors and activity links, take snapshots.
    AssignCoverage,
    /// File a service request (工单) for an enterprise in scope.
    FileServiceRequest,
    /// Handle requests routed to one's department: accept, stages, pause, transfer, finish.
    HandleServiceRequest,
    /// Edit the service catalogue and the holiday calendar.
    ManageServices,
    /// Write the policy library (惠企政策): the district admin any policy, a service officer
    /// or department head those its own department issued.
    ManagePolicies,
    /// Push a policy or a package of policies to the eligible enterprises of one's scope.
    PushPolicies,
    /// See offers and needs (要素对接) as far as their reach and one's scope allow.
    ReadListings,
    /// Publish, edit and close offers and needs: an enterprise for itself, a cluster
    /// secretary for its members, an area administrator in its area.
    PublishListings,
    /// Record introductions (牵线) and move them towards a deal; make matching-meeting lists.
    BrokerIntroductions,
    /// Receive the escalation of overdue requests (超期督办) and follow them up from its list:
    /// the district admin for its area, a department head for its department.
    SuperviseOverdue,
    /// See integration projects (深度融合项目) of one's scope and their figures.
    ReadProjects,
    /// File and edit the applications of an organisation in one's scope.
    ApplyProjects,
    /// Return, rank and forward the applications of one's cluster (集群推荐); the district
    /// admin does it for applicants in no cluster.
    RecommendProjects,
    /// Open rounds, appoint reviewers, assign them, decide tiers and check outcomes (组织部).
    ManageProjects,
    /// Score the applications assigned to oneself, free of conflict.
    ReviewProjects,
    /// Grant powers to a cluster committee of one's area (赋权清单) and add to the list of
    /// scopes of power: the town and district admins.
    GrantPowers,
    /// Log the uses of one's cluster committee's powers: the cluster secretary.
    LogPowerUses,
    /// Keep an alliance's service list, meetings, decisions and issue log (问题协商).
    RunAlliances,
    /// Answer (solve or decline) an alliance issue given to one's department, as those who
    /// run the alliance may too.
    AnswerAllianceIssues,
    /// Keep a town's villages, its 名誉村主任 (nominations, the 五有 checklist, appointments,
    /// the town's list of mandatory actions) and track their actions: the town and district
    /// admins (the town's 综合工作党委 works through the town's account).
    RunVillages,
    /// Add chosen actions (自选动作) and record the evidence of a village head's actions: those
    /// who run villages, and the enterprise contact for its own enterprise's heads.
    ReportVillageActions,
    /// Keep talent apartments and their service points, talent selections and the Party
    /// organisations' opinions in them, and secretary studios: the town and district admins.
    RunTalent,
    /// See economic figures and cluster scorecards (工作成效) of one's scope. Departments
    /// serve enterprises but do not read their tax and output.
    ReadResults,
    /// Import economic figures for the enterprises of one's scope.
    RecordFigures,
    /// See the member records (党员) of one's scope, masked: a branch its own, a cluster
    /// secretary its cluster's, town and district admins their area's.
    ReadMembers,
    /// Add and edit member records and import rosters, inside one's scope.
    WriteMembers,
    /// See the activities (组织生活和集群活动) organised in one's scope and their figures.
    ReadActivities,
    /// Record an activity of an organiser in one's scope, and turn the issues raised at it
    /// into needs or service requests.
    RecordActivities,
}

impl Role {
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        use Role::*;
        match action {
            ReadRegistry => !matches!(self, Reviewer | SystemAdmin | SecurityAdmin | AuditAdmin | Pending),
            WriteRegistry => {
                matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | EnterpriseContact)
            }
            RestructureRegistry => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary),
            ProposeRegistryChanges => self == EnterpriseContact,
            ConfirmRegistryChanges => matches!(self, DistrictAdmin | TownAdmin),
            Import => matches!(self, DistrictAdmin | TownAdmin),
            RevealPersonal => {
                matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | EnterpriseContact)
            }
            ManageUsers => self == SystemAdmin,
            ManageSecurity => self == SecurityAdmin,
            ReadAudit => self == AuditAdmin,
            DefineCoverage => self == DistrictAdmin,
            AssignCoverage => matches!(self, DistrictAdmin | TownAdmin),
            FileServiceRequest => {
                matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | EnterpriseContact)
            }
            HandleServiceRequest => matches!(self, ServiceOfficer | DepartmentHead | DistrictAdmin),
            ManageServices => self == DistrictAdmin,
            ManagePolicies => matches!(self, DistrictAdmin | ServiceOfficer | DepartmentHead),
            SuperviseOverdue => matches!(self, DistrictAdmin | DepartmentHead),
            PushPolicies => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary),
            ReadListings => {
                matches!(
                    self,
                    DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | EnterpriseContact | Leader
                )
            }
            PublishListings => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | EnterpriseContact),
            BrokerIntroductions => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary),
            ReadProjects => matches!(
                self,
                DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | EnterpriseContact | Leader
            ),
            ApplyProjects => matches!(self, ClusterSecretary | BranchSecretary),
            RecommendProjects => matches!(self, ClusterSecretary | DistrictAdmin),
            ManageProjects => self == DistrictAdmin,
            ReviewProjects => self == Reviewer,
            GrantPowers => matches!(self, DistrictAdmin | TownAdmin),
            LogPowerUses => self == ClusterSecretary,
            RunAlliances => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary),
            AnswerAllianceIssues => {
                matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | ServiceOfficer | DepartmentHead)
            }
            RunVillages | RunTalent => matches!(self, DistrictAdmin | TownAdmin),
            ReportVillageActions => matches!(self, DistrictAdmin | TownAdmin | EnterpriseContact),
            ReadResults => matches!(
                self,
                DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | EnterpriseContact | Leader
            ),
            RecordFigures => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary),
            ReadMembers | WriteMembers | RecordActivities => {
                matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary)
            }
            ReadActivities => matches!(self, DistrictAdmin | TownAdmin | ClusterSecretary | BranchSecretary | Leader),
        }
    }

    /// Whether an account holding this role reaches anything beyond its own password: every
    /// role but [`Role::Pending`]. The system administrator may not hand such a role out, nor
    /// keep it on an account whose password it resets (三员分立).
    pub fn is_granted_power(self) -> bool {
        self != Role::Pending
    }

    /// The kinds of scope an account of this role may be given.
    pub fn allowed_scope(self, scope: &Scope) -> bool {
        use Role::*;
        matches!(
            (self, scope),
            (SystemAdmin | SecurityAdmin | AuditAdmin | Reviewer | Pending, Scope::Nothing)
                | (DistrictAdmin | Leader, Scope::All | Scope::Region(_))
                | (TownAdmin, Scope::Region(_))
                | (ClusterSecretary, Scope::Cluster(_))
                | (BranchSecretary, Scope::PartyOrg(_))
                | (EnterpriseContact, Scope::Enterprise(_))
                | (ServiceOfficer | DepartmentHead, Scope::Department(_))
        )
    }
}

/// The records an account can reach. Every store query is filtered by it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// The whole deployment (city level or a platform operator).
    All,
    /// A district or a town/street, by its NBS code: everything registered inside it.
    Region(RegionCode),
    Cluster(ClusterId),
    PartyOrg(OrgId),
    Enterprise(UnitId),
    /// A government department: the enterprises it serves (read only) and its own requests.
    Department(UnitId),
    /// No registry data at all (the three administrators, reviewers).
    Nothing,
}

impl Scope {
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Region(_) => "region",
            Scope::Cluster(_) => "cluster",
            Scope::PartyOrg(_) => "party_org",
            Scope::Enterprise(_) => "enterprise",
            Scope::Department(_) => "department",
            Scope::Nothing => "nothing",
        }
    }

    /// The value stored beside the kind: a region code or a record id.
    pub fn value(&self) -> Option<String> {
        match self {
            Scope::All | Scope::Nothing => None,
            Scope::Region(code) => Some(code.to_string()),
            Scope::Cluster(id) => Some(id.to_string()),
            Scope::PartyOrg(id) => Some(id.to_string()),
            Scope::Enterprise(id) | Scope::Department(id) => Some(id.to_string()),
        }
    }

    /// Rebuilds a scope from its stored form; `None` when the stored pair is not a scope,
    /// which the caller treats as no access rather than guessing.
    pub fn from_parts(kind: &str, value: Option<&str>) -> Option<Scope> {
        let id = || value.and_then(|v| v.parse::<i64>().ok());
        Some(match kind {
            "all" => Scope::All,
            "nothing" => Scope::Nothing,
            "region" => Scope::Region(RegionCode::parse(value?).ok()?),
            "cluster" => Scope::Cluster(ClusterId(id()?)),
            "party_org" => Scope::PartyOrg(OrgId(id()?)),
            "enterprise" => Scope::Enterprise(UnitId(id()?)),
            "department" => Scope::Department(UnitId(id()?)),
            _ => return None,
        })
    }
}

/// The authenticated account behind a request, as the store needs it to filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    /// Where the request came from, for the audit log.
    pub ip: Option<String>,
}

impl Caller {
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }

    /// The command line acts as the whole-deployment administrator of the machine it runs on.
    pub fn system(name: &str) -> Caller {
        Caller { user_id: UserId(0), username: name.to_owned(), role: Role::DistrictAdmin, scope: Scope::All, ip: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Ok(role));
        }
        assert!(Role::from_code("root").is_err());
    }

    #[test]
    fn three_administrators_are_separated() {
        for role in Role::ALL {
            let powers = [Action::ManageUsers, Action::ManageSecurity, Action::ReadAudit]
                .into_iter()
                .filter(|a| role.may(*a))
                .count();
            assert!(powers <= 1, "{role:?} holds more than one of the three admin powers");
            if powers == 1 {
                assert!(!role.may(Action::ReadRegistry), "{role:?} must not read business data");
            }
        }
    }

    #[test]
    fn a_pending_account_may_do_nothing() {
        for action in [
            Action::ReadRegistry,
            Action::ReadListings,
            Action::ManageUsers,
            Action::ManageSecurity,
            Action::ReadAudit,
            Action::HandleServiceRequest,
            Action::ManagePolicies,
        ] {
            assert!(!Role::Pending.may(action), "{action:?}");
        }
        assert!(Role::Pending.allowed_scope(&Scope::Nothing) && !Role::Pending.allowed_scope(&Scope::All));
    }

    #[test]
    fn leader_reads_but_never_writes_or_reveals() {
        assert!(Role::Leader.may(Action::ReadRegistry));
        assert!(!Role::Leader.may(Action::WriteRegistry));
        assert!(!Role::Leader.may(Action::RevealPersonal));
    }

    #[test]
    fn matchmaking_powers() {
        assert!(Role::EnterpriseContact.may(Action::PublishListings));
        assert!(!Role::EnterpriseContact.may(Action::BrokerIntroductions));
        assert!(Role::ClusterSecretary.may(Action::BrokerIntroductions));
        assert!(Role::Leader.may(Action::ReadListings) && !Role::Leader.may(Action::PublishListings));
        for role in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin, Role::Reviewer, Role::ServiceOfficer] {
            assert!(!role.may(Action::ReadListings), "{role:?}");
        }
    }

    #[test]
    fn a_department_head_handles_as_its_officers_and_is_escalated_to() {
        let head = Role::DepartmentHead;
        for action in [Action::ReadRegistry, Action::HandleServiceRequest, Action::ManagePolicies] {
            assert_eq!(head.may(action), Role::ServiceOfficer.may(action), "{action:?}");
        }
        assert!(head.may(Action::SuperviseOverdue) && !Role::ServiceOfficer.may(Action::SuperviseOverdue));
        assert!(head.allowed_scope(&Scope::Department(UnitId(1))));
        assert!(!head.allowed_scope(&Scope::All));
        assert!(!head.may(Action::FileServiceRequest) && !head.may(Action::ManageServices));
    }

    #[test]
    fn members_are_for_the_party_side_only() {
        for role in Role::ALL {
            let party =
                matches!(role, Role::DistrictAdmin | Role::TownAdmin | Role::ClusterSecretary | Role::BranchSecretary);
            assert_eq!(role.may(Action::ReadMembers), party, "{role:?}");
            assert_eq!(role.may(Action::WriteMembers), party, "{role:?}");
        }
    }

    #[test]
    fn scope_parts_round_trip() {
        for scope in [Scope::All, Scope::Nothing, Scope::Cluster(ClusterId(7)), Scope::Enterprise(UnitId(3))] {
            let value = scope.value();
            assert_eq!(Scope::from_parts(scope.kind(), value.as_deref()), Some(scope.clone()));
        }
        assert_eq!(Scope::from_parts("cluster", Some("x")), None);
        assert_eq!(Scope::from_parts("galaxy", None), None);
    }
}
