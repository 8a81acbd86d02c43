//! How the tabs' counts hold the clients changed here. The counts are the
//! server's, from the last read that brought them; a change made here moves
//! its client between the tabs at once, and goes on moving it after its
//! answer, until a read asked for after that answer brings counts that hold
//! it already. So the counts never fall back to what they were before a
//! change the server has made, however slow the next read is.

use super::Store;
use super::window::Window;
use clientele_core::wire::{ClientSummary, StatusCounts};
use clientele_core::{ClientId, Status};
use leptos::prelude::*;
use std::collections::HashMap;

impl Store {
    /// How many clients each tab holds: the server's counts, with the
    /// changes in flight and the clients being added.
    pub fn counts(&self) -> StatusCounts {
        let (counts, counted_by) = self
            .window
            .with(|window| (window.counts(), window.counted_by()));
        self.syncing.track();
        let shown = |id: ClientId| {
            self.pending
                .with_value(|pending| pending.get(&id).map(|client| client.status))
                .or_else(|| {
                    self.known
                        .with_value(|known| known.clients.get(&id).map(|client| client.status))
                })
        };
        let mut counts = self
            .counted
            .with_value(|counted| counted.apply(counts, counted_by, shown));
        self.adding.with_value(|adding| {
            for row in adding.values() {
                *counts.get_mut(row.status) += 1;
            }
        });
        counts
    }

    /// Read `number` has ended with `rows`: if the counts held are its,
    /// they count those rows as they are, and every change that ended
    /// before it was asked for.
    pub(super) fn recounted(&self, number: u64, rows: &[ClientSummary]) {
        if self.window.with_untracked(Window::counted_by) != number {
            return;
        }
        self.counted.update_value(|counted| {
            counted.recounted(number, rows.iter().map(|row| (row.id, row.status)));
        });
    }
}

/// The clients changed here that the counts held may not count as shown.
#[derive(Debug, Default)]
pub(super) struct Counted(HashMap<ClientId, Entry>);

#[derive(Debug)]
struct Entry {
    /// The tab the counts held count the client in.
    status: Status,
    /// The number of the last read asked for when its change ended; `None`
    /// while the change is in flight.
    ended_after: Option<u64>,
}

impl Counted {
    /// A change of `id` starts, which the counts held count in `status`
    /// (unless they still count it as before an earlier change).
    pub(super) fn started(&mut self, id: ClientId, status: Status) {
        self.0
            .entry(id)
            .or_insert(Entry {
                status,
                ended_after: None,
            })
            .ended_after = None;
    }

    /// The change of `id` ended, when `last_read` was the last read asked
    /// for: reads after it count the client as the server holds it.
    pub(super) fn ended(&mut self, id: ClientId, last_read: u64) {
        if let Some(entry) = self.0.get_mut(&id) {
            entry.ended_after = Some(last_read);
        }
    }

    /// Read `number` brought the counts now held, and `rows` with them (one
    /// transaction: each row's status is the tab those counts count it in).
    pub(super) fn recounted(
        &mut self,
        number: u64,
        rows: impl IntoIterator<Item = (ClientId, Status)>,
    ) {
        for (id, status) in rows {
            if let Some(entry) = self.0.get_mut(&id) {
                entry.status = status;
            }
        }
        self.0
            .retain(|_, entry| entry.ended_after.is_none_or(|after| number <= after));
    }

    /// `counts`, brought by read `number`, with each client changed here
    /// moved to the tab `shown` says it is in.
    pub(super) fn apply(
        &self,
        mut counts: StatusCounts,
        number: u64,
        shown: impl Fn(ClientId) -> Option<Status>,
    ) -> StatusCounts {
        for (id, entry) in &self.0 {
            if entry.ended_after.is_some_and(|after| number > after) {
                continue;
            }
            if let Some(to) = shown(*id) {
                counts = counts.moved(entry.status, to);
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    // The app's one unit-test binary runs in the browser, as its web tests do.
    wasm_bindgen_test_configure!(run_in_browser);

    fn counts(active: u64, deactivated: u64) -> StatusCounts {
        StatusCounts {
            active,
            deactivated,
        }
    }

    const ACME: ClientId = ClientId(1);

    #[test]
    fn a_change_answered_stays_counted_until_a_later_read_counts_it() {
        let mut counted = Counted::default();
        counted.started(ACME, Status::Active);
        let shown = |_| Some(Status::Deactivated);
        assert_eq!(counted.apply(counts(2, 1), 3, shown), counts(1, 2));
        // Answered while read 4 was the last asked for.
        counted.ended(ACME, 4);
        assert_eq!(counted.apply(counts(2, 1), 3, shown), counts(1, 2));
        // Read 4 was asked for before the answer: its counts may not hold it.
        counted.recounted(4, []);
        assert_eq!(counted.apply(counts(2, 1), 4, shown), counts(1, 2));
        // Read 5 was asked for after: they do.
        counted.recounted(5, []);
        assert_eq!(counted.apply(counts(1, 2), 5, shown), counts(1, 2));
    }

    #[test]
    fn counts_that_bring_the_row_count_it_as_the_row_says() {
        let mut counted = Counted::default();
        counted.started(ACME, Status::Active);
        // The server made the change before this read, whose answer is in
        // while the change's answer is not.
        counted.recounted(6, [(ACME, Status::Deactivated)]);
        let shown = |_| Some(Status::Deactivated);
        assert_eq!(counted.apply(counts(1, 2), 6, shown), counts(1, 2));
    }

    #[test]
    fn a_change_refused_moves_nothing() {
        let mut counted = Counted::default();
        counted.started(ACME, Status::Active);
        counted.ended(ACME, 2);
        let shown = |_| Some(Status::Active);
        assert_eq!(counted.apply(counts(2, 1), 1, shown), counts(2, 1));
    }
}
