//! Targets for the forms and files of the 2026-12 stop (issue #11's fuzzing, extended): an
//! activity and the issues raised at it, development steps and applicants, the village-head
//! and talent forms, the economic figures file, and the period and scope of the figures.
//! A form's fields are the input's lines in the struct's order; a list field (ticked units,
//! members) is one line split at commas, so one repeated token reaches a list's length limit.

use qunlian_domain::activities::{ActivityFields, Attendance, MAX_HEADCOUNT, Organiser, RaisedIssueFields};
use qunlian_domain::activities::{RawActivity, RawRaisedIssue};
use qunlian_domain::bodies as b;
use qunlian_domain::limits::{CHOICES, NAME_CHARS};
use qunlian_domain::people::{ApplicantFields, RawApplicant, RawStep, StepFields, development, return_reason};
use qunlian_domain::results::{MoneyUnit, Period, parse_money};

/// The input's lines, as many as asked (missing ones empty).
fn lines(data: &[u8], n: usize) -> Vec<String> {
    let s = String::from_utf8_lossy(data);
    let mut out: Vec<String> = s.splitn(n, '\n').map(str::to_owned).collect();
    out.resize(n, String::new());
    out
}

fn list(s: &str) -> Vec<String> {
    s.split(',').map(str::to_owned).collect()
}

pub fn activity(data: &[u8]) {
    let f = lines(data, 10);
    let raw = RawActivity {
        organiser: f[0].clone(),
        kind: f[1].clone(),
        subject: f[2].clone(),
        held_on: f[3].clone(),
        place: f[4].clone(),
        units: list(&f[5]),
        headcount: f[6].clone(),
        attendees: list(&f[7]),
        minutes: f[8].clone(),
        party_group: f[9].clone(),
    };
    if let Ok(a) = ActivityFields::parse(&raw) {
        assert!(a.subject.chars().count() <= NAME_CHARS, "subject past its limit");
        assert!(a.units.len() <= CHOICES, "{} units", a.units.len());
        let mut units = a.units.clone();
        units.sort_unstable();
        units.dedup();
        assert_eq!(units.len(), a.units.len(), "a unit twice");
        match &a.attendance {
            Attendance::Headcount(n) => assert!((1..=MAX_HEADCOUNT).contains(n), "headcount {n}"),
            Attendance::Named(m) => assert!(!m.is_empty() && m.len() <= CHOICES, "{} attendees", m.len()),
        }
        assert_eq!(Organiser::parse(&a.organiser.value()), Some(a.organiser));
    }
    let raw = RawRaisedIssue {
        target: f[0].clone(),
        unit: f[1].clone(),
        title: f[2].clone(),
        description: f[8].clone(),
        category: f[4].clone(),
        valid_until: f[3].clone(),
        item: f[6].clone(),
    };
    let _ = RaisedIssueFields::parse(&raw);
}

pub fn development(data: &[u8]) {
    let f = lines(data, 8);
    let raw = RawStep {
        step: f[0].clone(),
        done_on: f[1].clone(),
        doc_name: f[2].clone(),
        doc_number: f[3].clone(),
        note: f[4].clone(),
    };
    for pipeline in development::PIPELINES {
        if let Ok(s) = StepFields::parse(&raw, pipeline) {
            assert!(pipeline.step(s.step.number).is_some());
            // The time rules over the steps so far: any order of dates is refused or allowed, never a panic.
            let done = [(1u8, s.done_on), (s.step.number, s.done_on)];
            let _ = pipeline.check(&done, s.step.number, s.done_on);
            let _ = (pipeline.stage(&done), pipeline.next(&done), pipeline.window(&done, s.step.number));
        }
    }
    let raw = RawApplicant {
        name: f[0].clone(),
        category: f[1].clone(),
        org: f[2].clone(),
        work_unit: f[3].clone(),
        done_on: f[4].clone(),
        doc_name: f[5].clone(),
        doc_number: f[6].clone(),
        id_number: f[7].clone(),
    };
    let _ = ApplicantFields::parse(&raw);
    let _ = return_reason(&f[0]);
}

pub fn villages(data: &[u8]) {
    let f = lines(data, 5);
    let c = |i: usize| f[i].clone();
    let _ = b::NominationFields::parse(&b::RawNomination {
        person: c(0),
        enterprise: c(1),
        identity: c(2),
        nominated_on: c(3),
    });
    let _ =
        b::CheckFields::parse(&b::RawCheck { item: c(0), checker: c(1), passed: c(2), note: c(3), checked_on: c(4) });
    let _ = b::AppointmentFields::parse(&b::RawAppointment {
        village: c(0),
        term_start: c(1),
        term_end: c(2),
        pairing: c(3),
    });
    let _ = b::MandatoryFields::parse(&b::RawMandatory { name: c(0), due_days: c(1) });
    let _ = b::HeadActionFields::parse(&b::RawHeadAction { title: c(0), due_on: c(1) });
    let _ = b::CompletionFields::parse(&b::RawCompletion { evidence: c(0), done_on: c(1) });
    let _ = b::ApartmentFields::parse(&b::RawApartment {
        name: c(0),
        town: c(1),
        address: c(2),
        managing_org: c(3),
        service_point: c(4),
    });
    let _ = b::SelectionFields::parse(&b::RawSelection { kind: c(0), year: c(1), candidate: c(2), enterprise: c(3) });
    let _ = b::StudioFields::parse(&b::RawStudio { name: c(0), org: c(1), lead: c(2) });
    let _ = b::parse_name("名称", &f[0]);
    let _ = b::parse_opinion(&f[0], &f[1]);
    let _ = b::HeadStep::from_code(&f[0]);
}

pub fn figures(data: &[u8]) {
    let period = Period::parse("2026H1").ok();
    for p in [None, period] {
        if let Ok(file) = qunlian_io::figures::read_figures(data.to_vec(), p) {
            // Each line is a row or a reason, never more lines than the input has bytes.
            assert!(file.rows.len() + file.rejects.len() <= data.len(), "more rows than bytes");
        }
    }
}

pub fn period(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(p) = Period::parse(&s) {
        assert!((1990..=2100).contains(&p.year), "{p:?}");
        assert_eq!(Period::parse(&p.code()).ok(), Some(p), "the code reads back");
        assert_eq!(Period::parse(&p.label()).ok(), Some(p), "the label reads back");
        let (first, after) = p.dates();
        assert!(first < after);
    }
    let _ = qunlian_domain::briefing::BriefingScope::parse(&s);
    if let Ok(scope) = qunlian_store::results::FigureScope::parse(&s) {
        assert_eq!(qunlian_store::results::FigureScope::parse(&scope.code()).ok(), Some(scope));
    }
    let _ = MoneyUnit::parse(&s);
    for unit in [MoneyUnit::Yuan, MoneyUnit::Wan, MoneyUnit::Yi] {
        if let Ok(y) = parse_money("税收", &s, unit) {
            assert!(y >= 0, "{y}");
        }
    }
}
