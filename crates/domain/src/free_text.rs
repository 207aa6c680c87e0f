//! The free-text inputs that have no parser of their own, one function per input: a service
//! request's title and detail, an introduction's follow-up, a cluster's and a Party
//! organisation's forms. Each refuses an overlong field with an error keyed by the form
//! input and a Chinese message naming the field (`标题：不能超过200个字（现有N个字）`), so the
//! page, the API and the store refuse the same text. The limits are those of
//! [`crate::limits`].

use crate::fields::FieldErrors;
use crate::limits::{COMMENT_CHARS, DETAIL_CHARS, NAME_CHARS, NOTE_CHARS, TEXT_CHARS};

/// Checks each `(key, label, text, most characters)`.
fn within(fields: &[(&'static str, &str, &str, usize)]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (key, label, text, max) in fields {
        errors.limit(key, label, text.trim(), *max);
    }
    errors.into_result()
}

/// A service request (工单): its title and its detail.
pub fn service_request(title: &str, detail: &str) -> Result<(), FieldErrors> {
    within(&[("title", "标题", title, NAME_CHARS), ("detail", "诉求描述", detail, DETAIL_CHARS)])
}

/// A follow-up of a deal (成交后跟踪): the delivery and the note.
pub fn followup(delivery_note: &str, note: &str) -> Result<(), FieldErrors> {
    within(&[("delivery_note", "交付情况", delivery_note, NOTE_CHARS), ("note", "说明", note, NOTE_CHARS)])
}

/// A cluster's form (new and edit): names, structure and description.
pub fn cluster(
    name: &str,
    short_name: &str,
    industry_focus: &str,
    structure: &str,
    description: &str,
) -> Result<(), FieldErrors> {
    within(&[
        ("name", "集群名称", name, NAME_CHARS),
        ("short_name", "简称", short_name, NAME_CHARS),
        ("industry_focus", "主导产业", industry_focus, NAME_CHARS),
        ("structure", "组织架构", structure, NAME_CHARS),
        ("description", "简介", description, TEXT_CHARS),
    ])
}

/// A Party organisation's form (new, rename, edit): its name and its secretary.
pub fn party_org(name: &str, secretary_name: &str) -> Result<(), FieldErrors> {
    within(&[("name", "组织名称", name, NAME_CHARS), ("secretary_name", "书记", secretary_name, NAME_CHARS)])
}

/// The reason a Party organisation is dissolved (撤销原因).
pub fn org_dissolution(reason: &str) -> Result<(), FieldErrors> {
    within(&[("reason", "撤销原因", reason, NOTE_CHARS)])
}

/// An introduction (牵线) as the broker records it: its note.
pub fn introduction(note: &str) -> Result<(), FieldErrors> {
    within(&[("note", "说明", note, NOTE_CHARS)])
}

/// A step of an introduction: why it ended without a deal, and the note.
pub fn introduction_step(reason: &str, note: &str) -> Result<(), FieldErrors> {
    within(&[("reason", "未成交原因", reason, NOTE_CHARS), ("note", "说明", note, NOTE_CHARS)])
}

/// A coverage assignment (责任清单): the unit responsible, the instructor and the note.
pub fn assignment(responsible_unit: &str, instructor_name: &str, note: &str) -> Result<(), FieldErrors> {
    within(&[
        ("responsible_unit", "责任单位", responsible_unit, NAME_CHARS),
        ("instructor_name", "指导员", instructor_name, NAME_CHARS),
        ("note", "备注", note, NOTE_CHARS),
    ])
}

/// The reason an assignment is withdrawn.
pub fn assignment_withdrawal(reason: &str) -> Result<(), FieldErrors> {
    within(&[("reason", "撤回理由", reason, NOTE_CHARS)])
}

/// A work link (工作联系): the instructor and the note.
pub fn work_link(instructor_name: &str, note: &str) -> Result<(), FieldErrors> {
    within(&[("instructor_name", "指导员姓名", instructor_name, NAME_CHARS), ("note", "备注", note, NOTE_CHARS)])
}

/// The text of a service request's step, under the label its form gives it: a name (经办人)
/// up to 200 characters, any other text (转办原因, 备注, 办理结果 …) up to 5,000.
pub fn service_step(label: &'static str, text: &str) -> Result<(), FieldErrors> {
    let max = if label == "经办人" { NAME_CHARS } else { DETAIL_CHARS };
    within(&[("text", label, text, max)])
}

/// The comment an enterprise leaves with its rating of a service: refused past its limit, as
/// every other text is, rather than cut (what was cut would be lost without a word).
pub fn rating_comment(comment: &str) -> Result<(), FieldErrors> {
    within(&[("comment", "意见和建议", comment, COMMENT_CHARS)])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn each_field_is_refused_past_its_limit_by_its_name() {
        assert!(service_request(&"标".repeat(NAME_CHARS), &"述".repeat(DETAIL_CHARS)).is_ok());
        let e = service_request(&"标".repeat(NAME_CHARS + 1), &"述".repeat(DETAIL_CHARS + 1)).unwrap_err();
        assert_eq!(e.keys(), vec!["title", "detail"]);
        assert_eq!(e.get("title").unwrap(), format!("标题：不能超过{NAME_CHARS}个字（现有{}个字）", NAME_CHARS + 1));
        assert!(e.get("detail").unwrap().starts_with("诉求描述：不能超过5000个字"));
        let e = followup("", &"x".repeat(NOTE_CHARS + 1)).unwrap_err();
        assert_eq!(e.keys(), vec!["note"]);
        assert!(e.get("note").unwrap().starts_with("说明："));
        let e = cluster("集群", "", &"产".repeat(NAME_CHARS + 1), "", &"简".repeat(TEXT_CHARS + 1)).unwrap_err();
        assert_eq!(e.keys(), vec!["industry_focus", "description"]);
        let e = party_org(&"支".repeat(NAME_CHARS + 1), "张三").unwrap_err();
        assert!(e.get("name").unwrap().starts_with("组织名称：不能超过200个字"));
        assert!(party_org("某某党支部", "").is_ok());
        assert!(rating_comment(&"好".repeat(COMMENT_CHARS)).is_ok());
        let e = rating_comment(&"好".repeat(COMMENT_CHARS + 1)).unwrap_err();
        assert!(e.get("comment").unwrap().starts_with("意见和建议：不能超过500个字"));
    }
}
