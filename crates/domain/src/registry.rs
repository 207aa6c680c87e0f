//! The organisation registry: what an enterprise, a Party organisation and a cluster are,
//! as the rest of the system receives them. Storage rows live in the store crate; these are
//! the validated inputs and the vocabularies shared by import, pages and the API.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{IndustryCode, Phone, RegionCode, Uscc};

/// 专精特新 level, from none up to the national "little giant".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SrdiLevel {
    #[default]
    None,
    /// 创新型中小企业
    Innovative,
    /// 专精特新中小企业 (市级)
    Municipal,
    /// 专精特新“小巨人” (国家级)
    National,
}

impl SrdiLevel {
    pub const ALL: [SrdiLevel; 4] = [SrdiLevel::None, SrdiLevel::Innovative, SrdiLevel::Municipal, SrdiLevel::National];

    pub fn code(self) -> i16 {
        match self {
            SrdiLevel::None => 0,
            SrdiLevel::Innovative => 1,
            SrdiLevel::Municipal => 2,
            SrdiLevel::National => 3,
        }
    }

    pub fn from_code(code: i16) -> SrdiLevel {
        match code {
            1 => SrdiLevel::Innovative,
            2 => SrdiLevel::Municipal,
            3 => SrdiLevel::National,
            _ => SrdiLevel::None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SrdiLevel::None => "无",
            SrdiLevel::Innovative => "创新型中小企业",
            SrdiLevel::Municipal => "专精特新（市级）",
            SrdiLevel::National => "专精特新“小巨人”",
        }
    }
}

/// One enterprise as an import row, a form or the demo hands it to the store: every field
/// already parsed, so the store never sees an invalid code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseInput {
    pub name: String,
    pub uscc: Uscc,
    /// The town/street-level region (乡级) the enterprise is registered in.
    pub town: RegionCode,
    /// Park name as written in the source; resolved against the registry's parks by the store.
    pub park: Option<String>,
    pub industry: Option<IndustryCode>,
    pub employees: Option<u32>,
    pub high_tech: bool,
    pub above_scale: bool,
    pub srdi: SrdiLevel,
    pub listed: bool,
    pub key_project: bool,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<Phone>,
}

impl EnterpriseInput {
    /// A unit known only by name, code and town; every other fact unknown or no.
    pub fn new(name: impl Into<String>, uscc: Uscc, town: RegionCode) -> EnterpriseInput {
        EnterpriseInput {
            name: name.into(),
            uscc,
            town,
            park: None,
            industry: None,
            employees: None,
            high_tech: false,
            above_scale: false,
            srdi: SrdiLevel::None,
            listed: false,
            key_project: false,
            founded_on: None,
            address: None,
            contact_name: None,
            contact_phone: None,
        }
    }
}

/// What kind of unit a registry record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Enterprise,
    Cooperative,
    School,
    Research,
    Government,
    SocialOrg,
    Village,
}

impl UnitKind {
    pub const ALL: [UnitKind; 7] = [
        UnitKind::Enterprise,
        UnitKind::Cooperative,
        UnitKind::School,
        UnitKind::Research,
        UnitKind::Government,
        UnitKind::SocialOrg,
        UnitKind::Village,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Enterprise => "enterprise",
            UnitKind::Cooperative => "cooperative",
            UnitKind::School => "school",
            UnitKind::Research => "research",
            UnitKind::Government => "government",
            UnitKind::SocialOrg => "social_org",
            UnitKind::Village => "village",
        }
    }

    pub fn from_code(code: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Enterprise => "企业",
            UnitKind::Cooperative => "合作社",
            UnitKind::School => "学校",
            UnitKind::Research => "科研院所",
            UnitKind::Government => "政府部门",
            UnitKind::SocialOrg => "社会组织",
            UnitKind::Village => "村（居）",
        }
    }
}

/// 党委 / 党总支 / 党支部.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Committee,
    GeneralBranch,
    Branch,
}

impl OrgKind {
    pub const ALL: [OrgKind; 3] = [OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch];
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Committee => "committee",
            OrgKind::GeneralBranch => "general_branch",
            OrgKind::Branch => "branch",
        }
    }
    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Committee => "党委",
            OrgKind::GeneralBranch => "党总支",
            OrgKind::Branch => "党支部",
        }
    }
}

/// How an organisation is set up: on its own unit, jointly over several, for a project, or
/// as an activity-type committee over a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgForm {
    Independent,
    Joint,
    Temporary,
    Activity,
}

impl OrgForm {
    pub const ALL: [OrgForm; 4] = [OrgForm::Independent, OrgForm::Joint, OrgForm::Temporary, OrgForm::Activity];
    pub fn code(self) -> &'static str {
        match self {
            OrgForm::Independent => "independent",
            OrgForm::Joint => "joint",
            OrgForm::Temporary => "temporary",
            OrgForm::Activity => "activity",
        }
    }
    pub fn from_code(code: &str) -> Option<OrgForm> {
        OrgForm::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            OrgForm::Independent => "单独建立",
            OrgForm::Joint => "联合建立",
            OrgForm::Temporary => "临时党组织",
            OrgForm::Activity => "活动型党组织",
        }
    }
}

/// Roles in a cluster's committee and around it.
pub fn officer_role_label(code: &str) -> &'static str {
    match code {
        "secretary" => "书记",
        "deputy_secretary" => "副书记",
        "part_time_deputy" => "兼职副书记（部门选派）",
        "liaison" => "联络员",
        "instructor" => "党建工作指导员",
        "member" => "委员",
        _ => "其他",
    }
}

pub fn pairing_kind_label(code: &str) -> &'static str {
    match code {
        "branch_branch" => "支部结对",
        "enterprise_school" => "校企结对",
        "enterprise_village" => "村企结对",
        "enterprise_community" => "企业社区结对",
        _ => "其他结对",
    }
}
