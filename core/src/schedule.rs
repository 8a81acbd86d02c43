//! Scheduled deactivation: a practice admin picks a later day on which a
//! client is to be deactivated (R1), with the owner and reason chosen now.
//!
//! A schedule names a calendar [`Date`] and takes effect at the *start of
//! that day in UTC* (00:00:00Z): it is due from then on. Only a day after
//! today may be chosen, "today" being the caller's (the server's clock, or
//! the browser's for the optimistic copy); today itself is "Deactivate now".
//!
//! When it falls due, the server runs [`Command::RunScheduledDeactivation`]:
//! the deactivation goes through the very rules of R1 against the client as
//! it is then. If they refuse it (the chosen owner left the account, say),
//! the refusal is kept on the client as a [`ScheduleFailure`] and the
//! schedule is cleared either way. A client has at most one schedule.
//!
//! [`Command::RunScheduledDeactivation`]: crate::Command::RunScheduledDeactivation

use crate::commands::{Command, Event};
use crate::error::RuleError;
use crate::ids::UserId;
use crate::model::{Client, Status, Timestamp};
use crate::rules;
use serde::{Deserialize, Serialize};
use std::fmt;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar day (UTC), written `YYYY-MM-DD` on the wire. Built only by
/// [`Date::parse`] or [`Date::of`], so it is always a real day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// Days since 1970-01-01.
    days: i64,
}

impl Date {
    /// Parses `YYYY-MM-DD` (a year from 1970 to 9999 and a day that exists
    /// in its month); anything else is [`RuleError::InvalidDate`].
    pub fn parse(text: &str) -> Result<Date, RuleError> {
        let invalid = || RuleError::InvalidDate(text.trim().to_owned());
        let text = text.trim();
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(invalid());
        }
        let (year, month, day) = (
            digits(0..4).ok_or_else(invalid)?,
            digits(5..7).ok_or_else(invalid)?,
            digits(8..10).ok_or_else(invalid)?,
        );
        if year < 1970 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(invalid());
        }
        let date = Date {
            days: days_from_civil(year, month, day),
        };
        // 31 April comes back as 1 May: not a day of its month.
        if date.civil() != (year, month, day) {
            return Err(invalid());
        }
        Ok(date)
    }

    /// The UTC day that `at` falls on.
    pub fn of(at: Timestamp) -> Date {
        Date {
            days: at.0.div_euclid(DAY_MS),
        }
    }

    /// When the day starts: 00:00:00 UTC.
    pub fn starts_at(self) -> Timestamp {
        Timestamp(self.days * DAY_MS)
    }

    /// The day after.
    pub fn next(self) -> Date {
        Date {
            days: self.days + 1,
        }
    }

    /// The day and the short English month, such as "31 Dec".
    pub fn short_label(self) -> String {
        let (_, month, day) = self.civil();
        format!("{day} {}", MONTHS[(month - 1) as usize])
    }

    fn civil(self) -> (i64, i64, i64) {
        civil_from_days(self.days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.civil();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

impl TryFrom<String> for Date {
    type Error = RuleError;
    fn try_from(text: String) -> Result<Date, RuleError> {
        Date::parse(&text)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

/// A deactivation planned for a later day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledDeactivation {
    /// The day (`YYYY-MM-DD`); it takes effect at 00:00 UTC that day.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    /// Who becomes account owner and admin then.
    pub new_owner_id: UserId,
    /// Why, for the activity log.
    pub reason: Option<String>,
}

impl ScheduledDeactivation {
    /// What the Active tab shows, such as "Deactivates on 31 Dec".
    pub fn label(&self) -> String {
        format!("Deactivates on {}", self.on.short_label())
    }
}

/// A scheduled deactivation the rules refused when it fell due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleFailure {
    /// The day it was scheduled for.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    /// Why it was refused, as the rules say it.
    pub message: String,
}

impl ScheduleFailure {
    /// What the client's row and page show.
    pub fn label(&self) -> String {
        format!(
            "The deactivation scheduled for {} failed: {}",
            self.on.short_label(),
            self.message
        )
    }
}

/// A deactivation may only be scheduled for a day after `today`.
pub fn must_follow(on: Date, today: Date) -> Result<(), RuleError> {
    if on <= today {
        return Err(RuleError::ScheduleNotAfterToday { on, today });
    }
    Ok(())
}

/// The day a person typed, if it is a date after `today`: what the
/// wizard checks before it goes on, by the same rule as scheduling.
pub fn parse_day_after(text: &str, today: Date) -> Result<Date, RuleError> {
    let on = Date::parse(text)?;
    must_follow(on, today)?;
    Ok(on)
}

/// Whether `schedule` is due at `now`: from the start of its day (UTC).
pub fn is_due(schedule: &ScheduledDeactivation, now: Timestamp) -> bool {
    now >= schedule.on.starts_at()
}

/// The client's schedule, if it is due at `now`.
pub fn due(client: &Client, now: Timestamp) -> Option<&ScheduledDeactivation> {
    client
        .scheduled_deactivation
        .as_ref()
        .filter(|schedule| is_due(schedule, now))
}

/// Decides the three schedule commands (the version is already checked).
pub(crate) fn decide(client: &Client, command: &Command) -> Result<Event, RuleError> {
    match command {
        Command::ScheduleDeactivation {
            on,
            today,
            new_owner_id,
            reason,
        } => {
            if client.status == Status::Deactivated {
                return Err(RuleError::ClientAlreadyDeactivated);
            }
            if let Some(existing) = &client.scheduled_deactivation {
                return Err(RuleError::AlreadyScheduled(existing.on));
            }
            must_follow(*on, *today)?;
            if client.user(*new_owner_id).is_none() {
                return Err(RuleError::OwnerNotInAccount(*new_owner_id));
            }
            Ok(Event::DeactivationScheduled {
                schedule: ScheduledDeactivation {
                    on: *on,
                    new_owner_id: *new_owner_id,
                    reason: reason.clone(),
                },
            })
        }
        Command::CancelScheduledDeactivation => match client.scheduled_deactivation {
            Some(_) => Ok(Event::ScheduledDeactivationCancelled),
            None => Err(RuleError::NothingScheduled),
        },
        Command::RunScheduledDeactivation { now } => {
            let schedule = client
                .scheduled_deactivation
                .as_ref()
                .ok_or(RuleError::NothingScheduled)?;
            if !is_due(schedule, *now) {
                return Err(RuleError::ScheduleNotDue(schedule.on));
            }
            let deactivate = Command::DeactivateClient {
                new_owner_id: schedule.new_owner_id,
                reason: schedule.reason.clone(),
            };
            // R1 as it stands now, at the client's own version: the same
            // rules as "Deactivate now". A refusal is an outcome here, kept
            // on the client, not an error.
            match rules::decide(client, client.version, &deactivate) {
                Ok(mut events) if events.len() == 1 => Ok(events.remove(0)),
                Ok(_) => unreachable!("R1 causes exactly one event"),
                Err(refusal) => Ok(Event::ScheduledDeactivationFailed {
                    on: schedule.on,
                    message: refusal.to_string(),
                }),
            }
        }
        _ => unreachable!("only the schedule commands come here"),
    }
}

/// Folds a schedule event into the client.
pub(crate) fn apply(client: &mut Client, event: &Event) {
    match event {
        Event::DeactivationScheduled { schedule } => {
            client.scheduled_deactivation = Some(schedule.clone());
            client.schedule_failure = None;
        }
        Event::ScheduledDeactivationCancelled => client.scheduled_deactivation = None,
        Event::ScheduledDeactivationFailed { on, message } => {
            client.scheduled_deactivation = None;
            client.schedule_failure = Some(ScheduleFailure {
                on: *on,
                message: message.clone(),
            });
        }
        _ => {}
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
