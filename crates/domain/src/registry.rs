//! The organisation registry: what an enterprise, a Party organisation and a cluster are,
//! as the rest of the system receives them. Storage rows live in the store crate; these are
//! the validated inputs and the vocabularies shared by import, pages and the API.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{CodeError, Labelled, labelled_enum};
use crate::{IndustryCode, Phone, RegionCode, Uscc};

mod fields;
pub use fields::{EnterpriseFields, RawEnterprise, key as enterprise_key, town_field};

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

    /// The level as registers write it: the code (innovative …), the label, or the
    /// common forms — 无/否/空白, 创新型, 专精特新/市级/是, 小巨人/国家级.
    pub fn parse(s: &str) -> Result<SrdiLevel, CodeError> {
        let key = crate::codes::fold(s);
        if key.is_empty() {
            return Ok(SrdiLevel::None);
        }
        <SrdiLevel as Labelled>::parse(s).or_else(|e| {
            // Longer spellings in registers: "国家级专精特新小巨人企业", "上海市专精特新中小企业".
            if key.contains("小巨人") || key.contains("国家") {
                Ok(SrdiLevel::National)
            } else if key.contains("创新型") {
                Ok(SrdiLevel::Innovative)
            } else if key.contains("专精特新") || key.contains("市级") {
                Ok(SrdiLevel::Municipal)
            } else {
                Err(e)
            }
        })
    }
}

// The column holds the level's number (0–3, compared with ≥), which the inherent
// `code`/`from_code` keep; the text codes below are what forms and the API send.
impl Labelled for SrdiLevel {
    const FIELD: &'static str = "专精特新";
    fn all() -> &'static [SrdiLevel] {
        &SrdiLevel::ALL
    }
    fn code(self) -> &'static str {
        match self {
            SrdiLevel::None => "none",
            SrdiLevel::Innovative => "innovative",
            SrdiLevel::Municipal => "municipal",
            SrdiLevel::National => "national",
        }
    }
    fn label(self) -> &'static str {
        SrdiLevel::label(self)
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            SrdiLevel::None => &["否", "不是", "非"],
            SrdiLevel::Innovative => &["创新型", "创新型企业"],
            SrdiLevel::Municipal => &["专精特新", "市级", "是", "专精特新中小企业", "市级专精特新"],
            SrdiLevel::National => &["小巨人", "国家级", "专精特新小巨人", "国家级小巨人"],
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

labelled_enum!(
    /// What kind of unit a registry record is.
    UnitKind: "单位类型" {
        Enterprise = "enterprise", "企业", ["公司", "企业单位"];
        Cooperative = "cooperative", "合作社", ["农民专业合作社", "专业合作社"];
        School = "school", "学校", ["院校", "高校"];
        Research = "research", "科研院所", ["科研机构", "研究院", "研究所"];
        Government = "government", "政府部门", ["政府", "部门", "机关", "委办局"];
        SocialOrg = "social_org", "社会组织", ["协会", "商会", "社团"];
        Village = "village", "村（居）", ["村", "居委", "村居", "村（居）委"];
    }
);

labelled_enum!(
    /// 党委 / 党总支 / 党支部.
    OrgKind: "党组织类型" {
        Committee = "committee", "党委", ["基层党委"];
        GeneralBranch = "general_branch", "党总支", ["总支", "党总支部"];
        Branch = "branch", "党支部", ["支部", "联合党支部"];
    }
);

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

    /// What a person typed: code, label or a short form (单独, 联合, 临时, 活动型).
    pub fn parse(s: &str) -> Result<OrgForm, CodeError> {
        <OrgForm as Labelled>::parse(s)
    }
}

// The inherent `from_code` above still answers `Option` because the store's call sites read
// it so until they move to the enum column (phase 2 of issue #10); `Labelled::from_code` is
// the refusing one.
impl Labelled for OrgForm {
    const FIELD: &'static str = "组建方式";
    fn all() -> &'static [OrgForm] {
        &OrgForm::ALL
    }
    fn code(self) -> &'static str {
        OrgForm::code(self)
    }
    fn label(self) -> &'static str {
        OrgForm::label(self)
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            OrgForm::Independent => &["单独", "单独组建", "独立建立", "独立"],
            OrgForm::Joint => &["联合", "联合组建", "联建"],
            OrgForm::Temporary => &["临时", "临时党支部", "项目党支部"],
            OrgForm::Activity => &["活动型", "活动型党委"],
        }
    }
}

labelled_enum!(
    /// Roles in a cluster's committee and around it.
    OfficerRole: "职务" {
        Secretary = "secretary", "书记", ["党委书记"];
        DeputySecretary = "deputy_secretary", "副书记";
        PartTimeDeputy = "part_time_deputy", "兼职副书记（部门选派）", ["兼职副书记"];
        Member = "member", "委员";
        Liaison = "liaison", "联络员";
        Instructor = "instructor", "党建工作指导员", ["指导员"];
    }
);

labelled_enum!(
    /// What two parties pair for (结对共建).
    PairingKind: "结对类型" {
        BranchBranch = "branch_branch", "支部结对";
        EnterpriseSchool = "enterprise_school", "校企结对", ["校企"];
        EnterpriseVillage = "enterprise_village", "村企结对", ["村企"];
        EnterpriseCommunity = "enterprise_community", "企业社区结对", ["企社", "社区结对"];
    }
);

/// The label of a stored officer role; "其他" for a code this version does not know.
pub fn officer_role_label(code: &str) -> &'static str {
    OfficerRole::from_code(code).map_or("其他", OfficerRole::label)
}

/// The label of a stored pairing kind; "其他结对" for a code this version does not know.
pub fn pairing_kind_label(code: &str) -> &'static str {
    PairingKind::from_code(code).map_or("其他结对", PairingKind::label)
}
