//! Scheduled deactivation: dates, the rules for scheduling and cancelling,
//! and what happens when a schedule falls due (R1 applied then, or its
//! refusal kept on the client).

use crate::fixtures::*;
use clientele_core::schedule::{self, Date, ScheduleFailure};
use clientele_core::{Command, ErrorKind, Event, RuleError, Status, Timestamp, UserId, execute};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn schedule_on(on: &str, new_owner_id: UserId) -> Command {
    Command::ScheduleDeactivation {
        on: date(on),
        today: date("2026-12-01"),
        new_owner_id,
        reason: Some("Moving to another firm".into()),
    }
}

fn at(text: &str) -> Timestamp {
    date(text).starts_at()
}

#[test]
fn a_date_is_a_real_day_written_yyyy_mm_dd() {
    assert_eq!(date("2026-12-31").to_string(), "2026-12-31");
    assert_eq!(date(" 2028-02-29 ").to_string(), "2028-02-29");
    for wrong in [
        "2026-02-30",
        "2027-02-29",
        "2026-13-01",
        "31/12/2026",
        "2026-1-01",
        "",
        "x",
    ] {
        let refused = Date::parse(wrong).unwrap_err();
        assert_eq!(refused.code(), "invalid_date", "{wrong:?}");
        assert_eq!(refused.kind(), ErrorKind::Refused);
        assert!(refused.to_string().contains("YYYY-MM-DD"));
    }
}

#[test]
fn a_date_starts_at_midnight_utc_and_every_moment_of_it_falls_on_it() {
    let day = date("2026-12-31");
    assert_eq!(day.starts_at(), Timestamp(1_798_675_200_000));
    assert_eq!(Date::of(day.starts_at()), day);
    assert_eq!(Date::of(Timestamp(day.starts_at().0 + 86_399_999)), day);
    assert_eq!(
        Date::of(Timestamp(day.starts_at().0 - 1)),
        date("2026-12-30")
    );
}

#[test]
fn a_date_reads_as_day_and_short_month() {
    assert_eq!(date("2026-12-31").short_label(), "31 Dec");
    assert_eq!(date("2027-01-05").short_label(), "5 Jan");
}

#[test]
fn a_date_travels_as_its_text_and_bad_text_does_not_deserialize() {
    let json = serde_json::to_string(&date("2026-12-31")).unwrap();
    assert_eq!(json, "\"2026-12-31\"");
    assert!(serde_json::from_str::<Date>("\"2026-12-32\"").is_err());
}

#[test]
fn scheduling_records_the_day_owner_and_reason_and_shows_deactivates_on() {
    let (client, events) =
        execute(&active_client(), 3, &schedule_on("2026-12-31", BOOKKEEPER)).unwrap();
    let scheduled = client.scheduled_deactivation.clone().unwrap();
    assert_eq!(scheduled.on, date("2026-12-31"));
    assert_eq!(scheduled.new_owner_id, BOOKKEEPER);
    assert_eq!(scheduled.reason.as_deref(), Some("Moving to another firm"));
    assert_eq!(scheduled.label(), "Deactivates on 31 Dec");
    assert_eq!(
        client.status,
        Status::Active,
        "nothing happens before the day"
    );
    assert_eq!(client.version, 4);
    assert!(matches!(events[..], [Event::DeactivationScheduled { .. }]));
}

#[test]
fn a_schedule_must_be_for_a_day_after_today() {
    for day in ["2026-12-01", "2026-11-30"] {
        let refused = execute(&active_client(), 3, &schedule_on(day, BOOKKEEPER)).unwrap_err();
        assert_eq!(
            refused,
            RuleError::ScheduleNotAfterToday {
                on: date(day),
                today: date("2026-12-01")
            }
        );
        assert!(refused.to_string().contains("Deactivate now"));
    }
    assert!(execute(&active_client(), 3, &schedule_on("2026-12-02", BOOKKEEPER)).is_ok());
}

#[test]
fn scheduling_for_a_stranger_a_deactivated_client_or_twice_is_refused() {
    let stranger = execute(&active_client(), 3, &schedule_on("2026-12-31", STRANGER));
    assert_eq!(
        stranger.unwrap_err(),
        RuleError::OwnerNotInAccount(STRANGER)
    );
    let deactivated = execute(&deactivated_client(), 3, &schedule_on("2026-12-31", OWNER));
    assert_eq!(
        deactivated.unwrap_err(),
        RuleError::ClientAlreadyDeactivated
    );
    let (scheduled, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", OWNER)).unwrap();
    let twice = execute(&scheduled, 4, &schedule_on("2027-01-31", OWNER)).unwrap_err();
    assert_eq!(twice, RuleError::AlreadyScheduled(date("2026-12-31")));
    assert_eq!(twice.kind(), ErrorKind::Conflict);
}

#[test]
fn cancelling_clears_the_schedule_and_cancelling_nothing_is_refused() {
    let (scheduled, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", OWNER)).unwrap();
    let (cancelled, events) =
        execute(&scheduled, 4, &Command::CancelScheduledDeactivation).unwrap();
    assert_eq!(cancelled.scheduled_deactivation, None);
    assert_eq!(events, vec![Event::ScheduledDeactivationCancelled]);
    let nothing = execute(&cancelled, 5, &Command::CancelScheduledDeactivation).unwrap_err();
    assert_eq!(nothing, RuleError::NothingScheduled);
    assert_eq!(nothing.code(), "nothing_scheduled");
}

#[test]
fn a_schedule_is_due_from_the_start_of_its_day_utc() {
    let (client, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", OWNER)).unwrap();
    let scheduled = client.scheduled_deactivation.as_ref().unwrap();
    assert!(!schedule::is_due(
        scheduled,
        Timestamp(at("2026-12-31").0 - 1)
    ));
    assert!(schedule::is_due(scheduled, at("2026-12-31")));
    assert!(schedule::is_due(scheduled, at("2027-01-02")));
    assert!(schedule::due(&client, at("2026-12-30")).is_none());
}

#[test]
fn running_a_due_schedule_deactivates_through_r1_and_clears_it() {
    let (client, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", BOOKKEEPER)).unwrap();
    let run = Command::RunScheduledDeactivation {
        now: at("2026-12-31"),
    };
    let (done, events) = execute(&client, 4, &run).unwrap();
    assert_eq!(done.status, Status::Deactivated);
    assert_eq!(done.owner, BOOKKEEPER);
    assert!(
        done.businesses
            .iter()
            .all(|b| b.status == Status::Deactivated)
    );
    assert_eq!(done.scheduled_deactivation, None);
    assert_eq!(
        events,
        vec![Event::ClientDeactivated {
            new_owner_id: BOOKKEEPER,
            reason: Some("Moving to another firm".into()),
            // Recorded like any deactivation, so it can be undone too.
            previous_owner_id: Some(OWNER),
            granted_admin: true,
            deactivated_businesses: Some(vec![SHOP, CAFE]),
        }]
    );
}

#[test]
fn running_a_schedule_before_its_day_or_without_one_is_refused() {
    let (client, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", OWNER)).unwrap();
    let early = Command::RunScheduledDeactivation {
        now: at("2026-12-30"),
    };
    assert_eq!(
        execute(&client, 4, &early).unwrap_err(),
        RuleError::ScheduleNotDue(date("2026-12-31"))
    );
    assert_eq!(
        execute(&active_client(), 3, &early).unwrap_err(),
        RuleError::NothingScheduled
    );
}

#[test]
fn a_schedule_whose_owner_left_the_account_fails_and_the_refusal_is_kept() {
    let (client, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", BOOKKEEPER)).unwrap();
    let remove = Command::RemoveUser {
        user_id: BOOKKEEPER,
    };
    let (client, _) = execute(&client, 4, &remove).unwrap();
    let run = Command::RunScheduledDeactivation {
        now: at("2026-12-31"),
    };
    let (failed, events) = execute(&client, 5, &run).unwrap();
    assert_eq!(failed.status, Status::Active);
    assert_eq!(failed.scheduled_deactivation, None);
    let message = RuleError::OwnerNotInAccount(BOOKKEEPER).to_string();
    assert_eq!(
        failed.schedule_failure,
        Some(ScheduleFailure {
            on: date("2026-12-31"),
            message: message.clone()
        })
    );
    assert_eq!(
        events,
        vec![Event::ScheduledDeactivationFailed {
            on: date("2026-12-31"),
            message
        }]
    );
    let label = failed.schedule_failure.unwrap().label();
    assert!(label.starts_with("The deactivation scheduled for 31 Dec failed: User 2"));
}

#[test]
fn deactivating_by_hand_clears_a_schedule_and_a_new_schedule_clears_a_failure() {
    let (scheduled, _) = execute(&active_client(), 3, &schedule_on("2026-12-31", OWNER)).unwrap();
    let now = Command::DeactivateClient {
        new_owner_id: OWNER,
        reason: None,
    };
    let (deactivated, _) = execute(&scheduled, 4, &now).unwrap();
    assert_eq!(deactivated.scheduled_deactivation, None);

    let mut failed = active_client();
    failed.schedule_failure = Some(ScheduleFailure {
        on: date("2026-12-15"),
        message: "refused".into(),
    });
    let (again, _) = execute(&failed, 3, &schedule_on("2026-12-31", OWNER)).unwrap();
    assert_eq!(again.schedule_failure, None);
}

#[test]
fn a_client_from_before_schedules_existed_reads_as_unscheduled() {
    let mut json = serde_json::to_value(active_client()).unwrap();
    let object = json.as_object_mut().unwrap();
    object.remove("scheduled_deactivation");
    object.remove("schedule_failure");
    let client: clientele_core::Client = serde_json::from_value(json).unwrap();
    assert_eq!(client, active_client());
}

#[test]
fn what_a_person_types_is_checked_by_the_same_rule_as_scheduling() {
    let today = date("2026-12-01");
    assert_eq!(
        schedule::parse_day_after("2026-12-02", today),
        Ok(today.next())
    );
    assert_eq!(
        schedule::parse_day_after("2026-12-01", today)
            .unwrap_err()
            .code(),
        "schedule_not_after_today"
    );
    assert_eq!(
        schedule::parse_day_after("tomorrow", today)
            .unwrap_err()
            .code(),
        "invalid_date"
    );
}
