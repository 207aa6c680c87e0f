//! Property tests of this stop's form parsers (issue #11; `make fuzz` mutates the same parsers
//! from fuzz/corpus/): any text in any field is read or refused with a message, never a panic,
//! and what is read keeps within the limits of `qunlian_domain::limits`.

use proptest::prelude::*;
use qunlian_domain::activities::{ActivityFields, Attendance, MAX_HEADCOUNT, RawActivity};
use qunlian_domain::bodies as b;
use qunlian_domain::fields::amount_field;
use qunlian_domain::limits::{AMOUNT_MAX, CHOICES, NAME_CHARS, NOTE_CHARS};
use qunlian_domain::people::{RawStep, StepFields, development};
use qunlian_domain::results::Period;

/// Any text, with the characters forms are made of more likely than others.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-z:,_ ]{0,12}",
        "[座谈会支部委员员工作2026年月日-]{0,8}",
        "\\PC{0,40}",
        (1usize..300).prop_map(|n| "字".repeat(n)),
    ]
}

fn activity() -> impl Strategy<Value = RawActivity> {
    let organiser = prop_oneof![Just("org:1".to_owned()), Just("cluster:2".to_owned()), text()];
    let kind = prop_oneof![Just("seminar".to_owned()), Just("支委会".to_owned()), text()];
    let held_on = prop_oneof![Just("2026-11-22".to_owned()), text()];
    let ids = prop::collection::vec(prop_oneof!["[1-9][0-9]{0,3}", text()], 0..20);
    (organiser, kind, text(), held_on, text(), ids.clone(), text(), ids, text()).prop_map(
        |(organiser, kind, subject, held_on, place, units, headcount, attendees, minutes)| RawActivity {
            organiser,
            kind,
            subject,
            held_on,
            place,
            units,
            headcount,
            attendees,
            minutes,
            party_group: String::new(),
        },
    )
}

proptest! {
    #[test]
    fn an_activity_is_read_within_its_limits_or_refused(raw in activity()) {
        match ActivityFields::parse(&raw) {
            Ok(a) => {
                prop_assert!(a.subject.chars().count() <= NAME_CHARS);
                prop_assert!(a.place.chars().count() <= NAME_CHARS);
                let mut units = a.units.clone();
                units.sort_unstable();
                units.dedup();
                prop_assert_eq!(units.len(), a.units.len(), "each unit once");
                match a.attendance {
                    Attendance::Headcount(n) => prop_assert!((1..=MAX_HEADCOUNT).contains(&n)),
                    Attendance::Named(m) => prop_assert!(!m.is_empty()),
                }
            }
            Err(e) => prop_assert!(!e.is_empty() && e.messages().iter().all(|m| m.chars().count() < 2_000)),
        }
    }

    /// More ticked units or members than a form may hold is refused by count, whatever they are.
    #[test]
    fn too_many_ticked_choices_are_refused_whole(extra in 1usize..50, members in any::<bool>()) {
        let many: Vec<String> = (1..=CHOICES + extra).map(|i| i.to_string()).collect();
        let raw = RawActivity {
            organiser: "org:1".into(),
            kind: "seminar".into(),
            subject: "座谈".into(),
            held_on: "2026-11-22".into(),
            place: "会议室".into(),
            units: if members { vec![] } else { many.clone() },
            attendees: if members { many } else { vec![] },
            headcount: "3".into(),
            minutes: String::new(),
            party_group: String::new(),
        };
        let e = ActivityFields::parse(&raw).unwrap_err();
        let key = if members { "attendees" } else { "units" };
        prop_assert!(e.get(key).is_some_and(|m| m.contains("最多选择")), "{}", e);
        prop_assert_eq!(e.len(), 1);
    }

    #[test]
    fn a_development_step_is_read_within_its_limits_or_refused(
        step in prop_oneof!["[0-9]{1,3}", text()], done_on in text(), doc_name in text(), doc_number in text(), note in text()
    ) {
        let raw = RawStep { step, done_on, doc_name, doc_number, note };
        for pipeline in development::PIPELINES {
            if let Ok(s) = StepFields::parse(&raw, pipeline) {
                prop_assert!(pipeline.step(s.step.number).is_some());
                prop_assert!(s.doc_name.chars().count() <= NAME_CHARS);
                prop_assert!(s.note.chars().count() <= NOTE_CHARS);
            }
        }
    }

    #[test]
    fn the_village_and_talent_forms_read_or_refuse_any_text(a in text(), b2 in text(), c in text(), d in text(), e in text()) {
        if let Ok(n) = b::NominationFields::parse(&b::RawNomination { person: a.clone(), enterprise: b2.clone(), identity: c.clone(), nominated_on: d.clone() }) {
            prop_assert!(n.person.chars().count() <= NAME_CHARS && n.enterprise_id > 0);
        }
        let _ = b::CheckFields::parse(&b::RawCheck { item: a.clone(), checker: b2.clone(), passed: c.clone(), note: d.clone(), checked_on: e.clone() });
        let _ = b::AppointmentFields::parse(&b::RawAppointment { village: a.clone(), term_start: b2.clone(), term_end: c.clone(), pairing: d.clone() });
        if let Ok(m) = b::MandatoryFields::parse(&b::RawMandatory { name: a.clone(), due_days: b2.clone() }) {
            prop_assert!(m.name.chars().count() <= NAME_CHARS);
        }
        let _ = b::ApartmentFields::parse(&b::RawApartment { name: a.clone(), town: b2.clone(), address: c.clone(), managing_org: d.clone(), service_point: e.clone() });
        let _ = b::SelectionFields::parse(&b::RawSelection { kind: a.clone(), year: b2.clone(), candidate: c.clone(), enterprise: d.clone() });
        if let Ok(s) = b::StudioFields::parse(&b::RawStudio { name: a, org: b2, lead: c }) {
            prop_assert!(s.name.chars().count() <= NAME_CHARS);
        }
    }

    /// A period reads back from its code and its label; every documented spelling is read.
    #[test]
    fn periods_read_back(s in text(), year in 1990i32..=2100, suffix in 0usize..8) {
        if let Ok(p) = Period::parse(&s) {
            prop_assert!((1990..=2100).contains(&p.year));
            prop_assert_eq!(Period::parse(&p.code()).ok(), Some(p));
            prop_assert_eq!(Period::parse(&p.label()).ok(), Some(p));
        }
        let spelled = format!("{year}{}", ["", "H1", "-H1", "上半年", "年上半年", "年", "年度", "年全年"][suffix]);
        prop_assert!(Period::parse(&spelled).is_ok(), "{}", spelled);
    }

    /// An amount is read exactly when it is a number from 0 to the limit, however it is written.
    #[test]
    fn amounts_keep_to_their_bounds(q in prop_oneof![any::<f64>(), 0.0..2e12f64, Just(AMOUNT_MAX)]) {
        let read = amount_field("数量", &format!("{q:e}"), &[]);
        prop_assert_eq!(read.is_ok(), q.is_finite() && (0.0..=AMOUNT_MAX).contains(&q), "{} {:?}", q, read);
        if let Ok(v) = read {
            prop_assert_eq!(v, Some(q));
        }
    }
}
