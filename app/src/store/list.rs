//! The client list in the store: the view shown, its pages read from the
//! server around what is on screen (see [`super::window`](mod@super::window)), and each tab's
//! count, all with the changes in flight already made.
//!
//! The rows of the pages are kept by the same version rules as every
//! client: a page brings what the server held when it answered, and never
//! replaces a newer version of a row. A change in flight shows at once: its
//! row leaves a tab it no longer belongs in and both counts move. When a
//! change settles, the pages are read again, so the list ends as the server
//! holds it.

use super::window::{PAGE_ROWS, PageRead, Slot, Window};
use super::{ListState, Refresh, Store, backoff};
use crate::api::{ApiError, ListQuery, PageFrom};
use clientele_core::ClientId;
use clientele_core::wire::ClientSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;

/// What the list shows at one position.
#[derive(Debug, Clone, PartialEq)]
pub enum ListRow {
    /// A client's row, as shown.
    Row(ClientSummary),
    /// A row whose page is loading, at this position.
    Loading(usize),
}

impl Store {
    /// Shows `query` in the list, reading its first page, unless it is
    /// already shown.
    pub fn show_list(&self, query: ListQuery) {
        if self.window.try_update(|window| window.show(query)) == Some(true) {
            self.forget_unheld();
            self.read_first_page();
        }
    }

    /// Reads the list shown afresh, from its first page.
    pub fn load_list(&self) {
        self.window.update(|window| window.restart());
        self.read_first_page();
    }

    fn read_first_page(&self) {
        let reads = self
            .window
            .try_update_untracked(|window| window.reads_for(0, PAGE_ROWS))
            .unwrap_or_default();
        self.read_counts();
        self.read_pages(reads, None);
    }

    /// Reads the pages rows `first..last` of the view are on, unless they
    /// are held or loading.
    pub fn want_rows(&self, first: usize, last: usize) {
        let reads = self
            .window
            .try_update_untracked(|window| window.reads_for(first as u64, last as u64))
            .unwrap_or_default();
        if !reads.is_empty() {
            self.read_pages(reads, None);
        }
    }

    /// Whether the view's first page has arrived.
    pub fn list_state(&self) -> ListState {
        self.window.with(|window| window.state.clone())
    }

    /// The view shown.
    pub fn list_query(&self) -> ListQuery {
        self.window.with(|window| window.query().clone())
    }

    /// Reads the pages held again, behind what is shown (after a change,
    /// or a live update): the table stays while they load. Many at once
    /// (an import's events) make one re-read running and at most one more
    /// after it. A re-read that fails is tried again after a pause.
    pub(super) fn refresh_list(&self) {
        if self.list_refresh.get_value() != Refresh::Idle {
            self.list_refresh.set_value(Refresh::Again);
            return;
        }
        self.list_refresh.set_value(Refresh::Running);
        self.read_counts();
        self.reread(0);
    }

    /// Attempt `attempt` of a quiet re-read: every page held or loading.
    fn reread(&self, attempt: u32) {
        let reads = self
            .window
            .try_update_untracked(|window| window.rereads())
            .unwrap_or_default();
        self.read_pages(reads, Some(attempt));
    }

    /// Reads each tab's count over the whole practice, which a page of a
    /// search does not bring.
    fn read_counts(&self) {
        let query = self.window.with_untracked(|window| window.query().clone());
        if query.search.is_empty() {
            return;
        }
        let number = self
            .window
            .try_update_untracked(|window| window.counts_read())
            .unwrap_or_default();
        let store = *self;
        let session = self.session();
        let whole = ListQuery {
            search: String::new(),
            ..query
        };
        spawn_local(async move {
            let answer = store.api().clients(&whole, &PageFrom::Offset(0), 0).await;
            if store.session() == session
                && let Ok(page) = answer
            {
                store
                    .window
                    .update(|window| window.counted(number, page.counts));
                store.recounted(number, &[]);
            }
        });
    }

    /// Sends `reads` at once and keeps what arrives. `refresh` is the
    /// attempt of a quiet re-read, which is tried again on a failure once
    /// every read of it has ended.
    fn read_pages(&self, reads: Vec<PageRead>, refresh: Option<u32>) {
        let session = self.session();
        let remaining = Rc::new(Cell::new((reads.len(), false)));
        if reads.is_empty()
            && let Some(attempt) = refresh
        {
            let store = *self;
            spawn_local(async move { store.refreshed(false, attempt, session).await });
        }
        for read in reads {
            let store = *self;
            let remaining = Rc::clone(&remaining);
            spawn_local(async move {
                let answer = store
                    .api()
                    .clients(&read.query, &read.from, PAGE_ROWS)
                    .await;
                if store.session() != session {
                    return;
                }
                let failed = match answer {
                    Ok(page) => {
                        store.window.update(|window| {
                            window.answered(&read, &page);
                        });
                        store.recounted(read.number, &page.items);
                        store.learn_rows(page.items);
                        false
                    }
                    Err(error) => store
                        .window
                        .try_update(|window| window.failed(&read, error.message()))
                        .unwrap_or(false),
                };
                store.forget_unheld();
                let (left, any_failed) = remaining.get();
                remaining.set((left - 1, any_failed || failed));
                if left == 1
                    && let Some(attempt) = refresh
                {
                    store
                        .refreshed(any_failed || failed, attempt, session)
                        .await;
                }
            });
        }
    }

    /// Ends a quiet re-read: once more if one was asked for meanwhile, or
    /// after a pause if it failed.
    async fn refreshed(&self, failed: bool, attempt: u32, session: u64) {
        if failed {
            self.pause_for(backoff(attempt + 1)).await;
            if self.session() == session {
                self.reread(attempt + 1);
            }
            return;
        }
        let again = self.list_refresh.get_value() == Refresh::Again;
        self.list_refresh.set_value(Refresh::Idle);
        if again {
            self.refresh_list();
        }
    }

    /// Keeps the rows a page brought and shows them.
    fn learn_rows(&self, rows: Vec<ClientSummary>) {
        let mut caught_up = Vec::new();
        self.known.update_value(|known| {
            for row in rows {
                // A row of the change's version or newer carries the
                // server's time of it, which replaces "just now".
                let marked = self
                    .changed
                    .with_untracked(|changed| changed.get(&row.id).copied());
                if marked.is_some_and(|mark| row.version >= mark.version) {
                    caught_up.push(row.id);
                }
                known.learn_row(row);
            }
        });
        if !caught_up.is_empty() {
            self.changed.update(|changed| {
                for id in &caught_up {
                    changed.remove(id);
                }
            });
        }
        let shown: Vec<(ClientId, ClientSummary)> = self.known.with_value(|known| {
            known
                .rows
                .iter()
                .map(|(id, row)| (*id, self.shown_row(row)))
                .collect()
        });
        self.rows.maybe_update(|rows| {
            let mut differs = false;
            for (id, row) in shown {
                if rows.get(&id) != Some(&row) {
                    rows.insert(id, row);
                    differs = true;
                }
            }
            differs
        });
    }

    /// Forgets the rows of pages no longer held, except those of clients
    /// changed or being added here, so the store stays the size of what is
    /// on screen.
    fn forget_unheld(&self) {
        let held = self.window.with_untracked(Window::held);
        let keep = |id: &ClientId| {
            held.contains(id)
                || self
                    .changed
                    .with_untracked(|changed| changed.contains_key(id))
                || self.pending.with_value(|pending| pending.contains_key(id))
        };
        self.known
            .update_value(|known| known.rows.retain(|id, _| keep(id)));
        self.rows.maybe_update(|rows| {
            let before = rows.len();
            rows.retain(|id, _| keep(id) || self.is_provisional(*id));
            rows.len() != before
        });
    }

    /// The rows `first..last` of the view as shown, and how many rows it
    /// has: clients changed here "just now" that belong in it first (when
    /// sorted by last change, or when their page is not held), then its
    /// pages in the server's order, rows that left the tab left out.
    pub fn list_rows(&self, first: usize, last: usize) -> (Vec<ListRow>, usize) {
        self.lay_out(first..last, true)
    }

    /// [`Store::list_rows`] in `range`, with the rows loading or without.
    fn lay_out(&self, range: std::ops::Range<usize>, placeholders: bool) -> (Vec<ListRow>, usize) {
        let first = range.start;
        let pinned = self.pinned();
        self.window.with(|window| {
            let query = window.query();
            self.rows.with(|rows| {
                let hidden =
                    |id: ClientId| rows.get(&id).is_none_or(|row| row.status != query.status);
                let name_of = |id: ClientId| {
                    rows.get(&id)
                        .map(|row| clientele_core::search::sort_key(&row.name))
                        .unwrap_or_default()
                };
                let by_name: Option<&dyn Fn(ClientId) -> String> =
                    (!query.by_update && !pinned.is_empty()).then_some(&name_of);
                let (slots, total) = window.slots(&pinned, by_name, hidden, range, placeholders);
                let shown = slots
                    .into_iter()
                    .enumerate()
                    .filter_map(|(index, slot)| match slot {
                        Slot::Row(id) => rows.get(&id).cloned().map(ListRow::Row),
                        Slot::Loading => Some(ListRow::Loading(first + index)),
                    })
                    .collect();
                (shown, total)
            })
        })
    }

    /// Clients changed here "just now" that the view shows besides its
    /// pages: newest first, only those now in its tab and matching its
    /// search; sorted by name, only those in flight and not on a page held.
    fn pinned(&self) -> Vec<ClientId> {
        let query = self.window.with(|window| window.query().clone());
        let mut marked: Vec<(u64, ClientId)> = self
            .changed
            .with(|changed| changed.iter().map(|(id, mark)| (mark.order, *id)).collect());
        marked.sort_by(|a, b| b.cmp(a));
        self.rows.with(|rows| {
            marked
                .into_iter()
                .map(|(_, id)| id)
                .filter(|id| {
                    rows.get(id)
                        .is_some_and(|row| row.status == query.status && row.matches(&query.search))
                })
                .filter(|id| {
                    query.by_update
                        || (self.syncing.with(|syncing| syncing.contains_key(id))
                            && !self.window.with(|window| window.holds(*id)))
                })
                .collect()
        })
    }

    /// The clients of the view the store holds, as listed: what "Select
    /// all" selects.
    pub fn listed_ids(&self) -> Vec<ClientId> {
        let (rows, _) = self.lay_out(0..usize::MAX, false);
        rows.into_iter()
            .filter_map(|row| match row {
                ListRow::Row(row) => Some(row.id),
                ListRow::Loading(_) => None,
            })
            .collect()
    }

    /// What "Select all" acts on, once [`Store::all_of_view`] read `read`
    /// (every client of the view, in its order): those of them still in the
    /// tab as shown, then any listed now that the read did not bring.
    pub fn listed_with(&self, read: &[ClientId]) -> Vec<ClientId> {
        let listed = untrack(|| self.listed_ids());
        let status = self.window.with(|window| window.query().status);
        let mut all: Vec<ClientId> = self.rows.with(|rows| {
            read.iter()
                .copied()
                .filter(|id| rows.get(id).is_none_or(|row| row.status == status))
                .collect()
        });
        let brought: HashSet<ClientId> = read.iter().copied().collect();
        all.extend(listed.into_iter().filter(|id| !brought.contains(id)));
        all
    }

    /// The client codes of the rows held, but client `except`'s: a new code
    /// is checked against them here, and against every client by the server.
    pub fn codes_held(&self, except: Option<ClientId>) -> Vec<String> {
        self.rows.with_untracked(|rows| {
            rows.values()
                .filter(|row| Some(row.id) != except)
                .filter_map(|row| row.code.clone())
                .collect()
        })
    }

    /// Every client of the view shown, in its order, read from the server a
    /// thousand at a time: what "Select all" selects. `progress` hears how
    /// many are read, of how many, after each thousand.
    pub async fn all_of_view(
        &self,
        progress: impl Fn(usize, u64),
    ) -> Result<(ListQuery, Vec<ClientId>), ApiError> {
        let query = self.window.with_untracked(|window| window.query().clone());
        let mut ids = Vec::new();
        let mut from = PageFrom::Offset(0);
        loop {
            let page = self.api().clients(&query, &from, 1_000).await?;
            ids.extend(page.items.iter().map(|row| row.id));
            progress(ids.len(), page.total);
            match page.next {
                Some(cursor) if !page.items.is_empty() => from = PageFrom::After(cursor),
                _ if page.items.is_empty() || ids.len() as u64 >= page.total => break,
                _ => from = PageFrom::Offset(ids.len() as u64),
            }
        }
        Ok((query, ids))
    }
}
