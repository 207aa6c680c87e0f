//! The organisation registry: what an enterprise, a Party organisation and a cluster are,
//! as the rest of the system receives them. Storage rows live in the store crate; these are
//! the validated inputs and the vocabularies shared by import, pages and the API.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{CodeError, Labelled, labelled_enum};
use crate::{IndustryCode, Phone, RegionCode, Uscc};

mod fields;
mod proposals;
pub use fields::{EnterpriseFields, RawEnterprise, key as enterprise_key, town_field};
pub use proposals::*;

labelled_enum!(
    /// 专精特新 level, from none up to the national "little giant". The column holds its number
    /// (0–3), which "at least municipal" compares with ≥.
    #[derive(Default)]
    SrdiLevel: "专精特新" in i16 {
        #[default]
        None = "none", "无", ["否", "不是", "非"] => 0;
        /// 创新型中小企业
        Innovative = "innovative", "创新型中小企业", ["创新型", "创新型企业"] => 1;
        /// 专精特新中小企业 (市级)
        Municipal = "municipal", "专精特新（市级）", ["专精特新", "市级", "是", "专精特新中小企业", "市级专精特新"] => 2;
        /// 专精特新“小巨人” (国家级)
        National = "national", "专精特新“小巨人”", ["小巨人", "国家级", "专精特新小巨人", "国家级小巨人"] => 3;
    }
);

impl SrdiLevel {
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
    /// How the unit list is ordered.
    #[derive(Default)]
    EnterpriseSort: "排序" {
        #[default]
        Name = "name", "名称";
        Employees = "employees", "从业人数";
        Town = "town", "所属街镇";
        Updated = "updated", "更新时间";
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

labelled_enum!(
    /// How an organisation is set up: on its own unit, jointly over several, for a project, or
    /// as an activity-type committee over a cluster.
    OrgForm: "组建方式" {
        Independent = "independent", "单独建立", ["单独", "单独组建", "独立建立", "独立"];
        Joint = "joint", "联合建立", ["联合", "联合组建", "联建"];
        Temporary = "temporary", "临时党组织", ["临时", "临时党支部", "项目党支部"];
        Activity = "activity", "活动型党组织", ["活动型", "活动型党委"];
    }
);

labelled_enum!(
    /// A change in an organisation's history, as its page lists them.
    OrgEventKind: "组织变更" {
        Established = "established", "成立";
        Renamed = "renamed", "更名";
        Reparented = "reparented", "隶属关系调整";
        Merged = "merged", "合并";
        Dissolved = "dissolved", "撤销";
        Absorbed = "absorbed", "并入";
    }
);

labelled_enum!(
    /// Roles in a cluster's committee and around it.
    OfficerRole: "职务" {
        Secretary = "secretary", "书记", ["党委书记"];
        DeputySecretary = "deputy_secretary", "副书记", ["党委副书记"];
        PartTimeDeputy = "part_time_deputy", "兼职副书记（部门选派）", ["兼职副书记"];
        Member = "member", "委员", ["党委委员"];
        Liaison = "liaison", "联络员", ["集群联络员"];
        Instructor = "instructor", "党建工作指导员", ["指导员"];
    }
);

labelled_enum!(
    /// What two parties pair for (结对共建).
    PairingKind: "结对类型" {
        BranchBranch = "branch_branch", "支部结对", ["支部共建", "党支部结对"];
        EnterpriseSchool = "enterprise_school", "校企结对", ["校企"];
        EnterpriseVillage = "enterprise_village", "村企结对", ["村企"];
        EnterpriseCommunity = "enterprise_community", "企业社区结对", ["企社", "社区结对"];
    }
);
