//! Party members (党员): who they are, which organisation holds their relation, where they
//! work, and whether they are full or probationary members. The ID number and the phone are
//! personal data: the store keeps them encrypted and shows them masked, and a reveal needs a
//! reason ([`RevealReason`]). One parser ([`MemberFields::parse`]) serves the form, the API
//! and the roster import.

pub mod development;
mod fields;
pub mod groups;
pub mod instructors;
mod progress;
mod transfers;

pub use fields::*;
pub use progress::*;
pub use transfers::*;

use crate::codes::labelled_enum;

labelled_enum!(
    /// 性别.
    Gender: "性别" {
        Male = "male", "男", ["男性", "m"];
        Female = "female", "女", ["女性", "f"];
    }
);

labelled_enum!(
    /// 学历, as rosters group it.
    Education: "学历" {
        Postgraduate = "postgraduate", "研究生", ["研究生及以上", "博士", "博士研究生", "硕士", "硕士研究生"];
        Bachelor = "bachelor", "大学本科", ["本科", "大学"];
        College = "college", "大学专科", ["大专", "专科", "高职"];
        Secondary = "secondary", "中专及高中", ["中专", "高中", "中技", "职高", "技校"];
        Junior = "junior", "初中及以下", ["初中", "小学", "初中以下"];
    }
);

labelled_enum!(
    /// 人员类别: the groups the cluster reports count members and new members by.
    MemberCategory: "人员类别" {
        IndustrialWorker = "industrial_worker", "产业工人", ["工人", "一线工人"];
        YoungFarmer = "young_farmer", "青年农民", ["农民"];
        HighKnowledge = "high_knowledge", "高知识群体", ["高知群体", "高知"];
        Professional = "professional", "专业技术人员", ["专技人员", "技术人员"];
        Manager = "manager", "企业管理人员", ["管理人员"];
        Official = "official", "党政机关工作人员", ["机关工作人员", "公务员"];
        Student = "student", "学生", ["在校学生"];
        Retired = "retired", "离退休人员", ["退休人员", "离退休"];
        Other = "other", "其他", ["其它"];
    }
);

labelled_enum!(
    /// 正式党员 or 预备党员.
    Standing: "党员类别" {
        Full = "full", "正式党员", ["正式"];
        Probationary = "probationary", "预备党员", ["预备"];
    }
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rosters_write_the_codes_their_own_way() {
        assert_eq!(Standing::parse("预备").unwrap(), Standing::Probationary);
        assert_eq!(Education::parse("硕士研究生").unwrap(), Education::Postgraduate);
        assert_eq!(MemberCategory::parse("高知").unwrap(), MemberCategory::HighKnowledge);
        assert_eq!(Gender::parse(" 女 ").unwrap(), Gender::Female);
        assert!(MemberCategory::parse("工程师").unwrap_err().to_string().contains("产业工人"));
    }
}
