//! A Party group (党小组) of a branch as its form sends it: a name, the leader (组长) and the
//! members, both from the branch's roster. The store checks that they are the branch's and
//! that a member is in no other group of it.

use crate::fields::FieldErrors;
use crate::fields::form::{maybe_chosen, required};

/// A group's name is short: 第一党小组, 生产车间党小组.
pub const GROUP_NAME_CHARS: usize = 50;
/// At most this many members in one group (a branch has at most a few hundred).
pub const GROUP_MEMBERS: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawGroup {
    pub name: String,
    pub leader: String,
    pub members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupFields {
    pub name: String,
    pub leader: Option<i64>,
    /// Each once, the leader among them.
    pub members: Vec<i64>,
}

impl GroupFields {
    pub fn parse(raw: &RawGroup) -> Result<GroupFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "党小组名称", &raw.name, GROUP_NAME_CHARS);
        let leader = maybe_chosen(&mut e, "leader", "党小组组长", &raw.leader);
        let given: Vec<&String> = raw.members.iter().filter(|v| !v.trim().is_empty()).collect();
        if given.len() > GROUP_MEMBERS {
            e.push("members", format!("党小组成员：最多{GROUP_MEMBERS}人（现有{}人）", given.len()));
        }
        let mut members: Vec<i64> = Vec::new();
        for v in given.into_iter().take(GROUP_MEMBERS) {
            match v.trim().parse::<i64>().ok().filter(|n| *n > 0) {
                Some(id) if !members.contains(&id) => members.push(id),
                Some(_) => {}
                None => e.push("members", format!("党小组成员：“{}”不是列表中的选项", crate::limits::echo(v))),
            }
        }
        if let Some(l) = leader
            && !members.contains(&l)
        {
            members.insert(0, l);
        }
        if e.is_empty() { Ok(GroupFields { name, leader, members }) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_group_with_its_leader_among_its_members() {
        let raw =
            RawGroup { name: " 第一党小组 ".into(), leader: "7".into(), members: vec!["3".into(), "3".into()] };
        let f = GroupFields::parse(&raw).unwrap();
        assert_eq!((f.name.as_str(), f.leader, f.members), ("第一党小组", Some(7), vec![7, 3]));
        let e = GroupFields::parse(&RawGroup { members: vec!["x".into()], ..Default::default() }).unwrap_err();
        assert_eq!(e.keys(), vec!["name", "members"]);
        assert!(e.get("name").unwrap().starts_with("党小组名称"), "{e}");
    }
}
