//! The client list as the server pages it. The server is the one authority
//! for the list: it searches, sorts, pages and counts. The store holds one
//! view of it at a time (a tab, a search and a sort), and of that view only
//! the pages read around what is on screen, at most [`KEEP_PAGES`] of them.
//!
//! Every read is numbered. A page's answer replaces what the page holds only
//! if it was asked for later than what it holds, and answers for a view no
//! longer shown are dropped, so a late answer never replaces a newer one.

use crate::api::{ListQuery, PageFrom};
use clientele_core::ClientId;
use clientele_core::wire::{ClientPage, StatusCounts};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Rows in one page.
pub const PAGE_ROWS: u64 = 100;
/// The most pages held; the one read longest ago goes first.
pub const KEEP_PAGES: usize = 10;

/// Whether the view's first page has arrived.
#[derive(Debug, Clone, PartialEq)]
pub enum ListState {
    /// Waiting for the server.
    Loading,
    /// Loaded.
    Ready,
    /// The server could not be asked; the message says why.
    Failed(String),
}

/// A read of one page, to ask the server for.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRead {
    /// The view it belongs to.
    pub view: u64,
    /// Which page.
    pub page: u64,
    /// The read's number: later reads have higher ones.
    pub number: u64,
    /// The view's query.
    pub query: ListQuery,
    /// Where the page starts.
    pub from: PageFrom,
}

/// What the list shows at one position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// This client's row.
    Row(ClientId),
    /// A row whose page is still loading.
    Loading,
}

#[derive(Debug, Clone, PartialEq)]
struct Page {
    ids: Vec<ClientId>,
    next: Option<String>,
    /// The number of the read that brought it.
    read: u64,
}

/// One view of the list and what has been read of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    query: ListQuery,
    /// Counts views: answers for an earlier one are dropped.
    view: u64,
    /// Whether the first page has arrived.
    pub state: ListState,
    /// How many clients the view holds, as the newest answer said.
    total: u64,
    /// Each tab's count over the whole practice (not only the search), and
    /// the number of the read that brought them.
    counts: (StatusCounts, u64),
    pages: BTreeMap<u64, Page>,
    /// Pages asked for and not answered yet.
    loading: BTreeSet<u64>,
    /// The pages are of the view before, in the same tab, and show until
    /// the new view's first page arrives (a search or sort changed), so the
    /// table changes once, not to "loading" and back.
    stale: bool,
    reads: u64,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            query: ListQuery::default(),
            view: 0,
            state: ListState::Loading,
            total: 0,
            counts: (StatusCounts::default(), 0),
            pages: BTreeMap::new(),
            loading: BTreeSet::new(),
            stale: false,
            reads: 0,
        }
    }
}

impl Window {
    /// The view shown.
    pub fn query(&self) -> &ListQuery {
        &self.query
    }

    /// Each tab's count, over the whole practice.
    pub fn counts(&self) -> StatusCounts {
        self.counts.0
    }

    /// The number of the read that brought the counts held.
    pub fn counted_by(&self) -> u64 {
        self.counts.1
    }

    /// The number of the last read asked for.
    pub fn last_read(&self) -> u64 {
        self.reads
    }

    /// Whether any page of the view has arrived.
    pub fn has_pages(&self) -> bool {
        !self.stale && !self.pages.is_empty()
    }

    /// Whether `page` of the view has arrived.
    fn has_page(&self, page: u64) -> bool {
        !self.stale && self.pages.contains_key(&page)
    }

    /// Shows `query` instead, forgetting every page of the one before.
    /// Returns whether it differs.
    pub fn show(&mut self, query: ListQuery) -> bool {
        if query == self.query && self.view > 0 {
            return false;
        }
        let same_tab = query.status == self.query.status && self.state == ListState::Ready;
        self.query = query;
        if same_tab {
            self.view += 1;
            self.loading.clear();
            self.stale = true;
        } else {
            self.restart();
        }
        true
    }

    /// Starts the view again from nothing, as when it is loaded afresh.
    pub fn restart(&mut self) {
        self.view += 1;
        self.state = ListState::Loading;
        self.total = 0;
        self.pages.clear();
        self.loading.clear();
        self.stale = false;
    }

    /// The reads that would bring rows `first..last` of the view (and at
    /// least its first page), marked as loading.
    pub fn reads_for(&mut self, first: u64, last: u64) -> Vec<PageRead> {
        let known_total = self.has_pages();
        let last = if known_total {
            last.min(self.total)
        } else {
            last
        };
        let first_page = first / PAGE_ROWS;
        let last_page = last.saturating_sub(1) / PAGE_ROWS;
        (first_page..=last_page.max(first_page))
            .filter(|page| !self.has_page(*page) && !self.loading.contains(page))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|page| self.read(page))
            .collect()
    }

    /// Reads of every page held or loading, to bring them up to date (a
    /// read of a page loading supersedes it); of the first page when none is.
    pub fn rereads(&mut self) -> Vec<PageRead> {
        let mut pages: BTreeSet<u64> = if self.stale {
            BTreeSet::new()
        } else {
            self.pages.keys().copied().collect()
        };
        pages.extend(self.loading.iter().copied());
        if pages.is_empty() {
            pages.insert(0);
        }
        pages
            .into_iter()
            .map(|page| self.fresh_read(page))
            .collect()
    }

    /// A read of `page`, from the page before's cursor when that is held.
    fn read(&mut self, page: u64) -> PageRead {
        let from = match page
            .checked_sub(1)
            .and_then(|before| self.pages.get(&before))
        {
            Some(Page {
                next: Some(cursor), ..
            }) => PageFrom::After(cursor.clone()),
            _ => PageFrom::Offset(page * PAGE_ROWS),
        };
        self.read_from(page, from)
    }

    /// A read of `page` by its position: a cursor held may be out of date.
    fn fresh_read(&mut self, page: u64) -> PageRead {
        self.read_from(page, PageFrom::Offset(page * PAGE_ROWS))
    }

    fn read_from(&mut self, page: u64, from: PageFrom) -> PageRead {
        self.reads += 1;
        self.loading.insert(page);
        PageRead {
            view: self.view,
            page,
            number: self.reads,
            query: self.query.clone(),
            from,
        }
    }

    /// A read of the whole practice's counts alone, numbered.
    pub fn counts_read(&mut self) -> u64 {
        self.reads += 1;
        self.reads
    }

    /// Keeps counts read by read `number`, unless newer ones are held.
    pub fn counted(&mut self, number: u64, counts: StatusCounts) {
        if number > self.counts.1 {
            self.counts = (counts, number);
        }
    }

    /// Keeps a page that arrived, unless it is of another view or older than
    /// the one held. Returns whether it was kept.
    pub fn answered(&mut self, read: &PageRead, answer: &ClientPage) -> bool {
        if !self.arrived(read) {
            return false;
        }
        if self.query.search.is_empty() {
            self.counted(read.number, answer.counts);
        }
        if self
            .pages
            .get(&read.page)
            .is_some_and(|held| held.read > read.number)
        {
            return false;
        }
        self.total = answer.total;
        self.state = ListState::Ready;
        self.pages.insert(
            read.page,
            Page {
                ids: answer.items.iter().map(|row| row.id).collect(),
                next: answer.next.clone(),
                read: read.number,
            },
        );
        // Pages past the end (the list got shorter) go.
        let pages = self.total.div_ceil(PAGE_ROWS);
        self.pages.retain(|page, _| *page < pages.max(1));
        while self.pages.len() > KEEP_PAGES {
            let oldest = self
                .pages
                .iter()
                .min_by_key(|(_, page)| page.read)
                .map(|(index, _)| *index);
            match oldest {
                Some(index) => self.pages.remove(&index),
                None => break,
            };
        }
        true
    }

    /// Ends `read`, whatever its answer: its page is no longer loading,
    /// and the pages of the view before go. Returns whether it is of this
    /// view.
    fn arrived(&mut self, read: &PageRead) -> bool {
        if read.view != self.view {
            return false;
        }
        self.loading.remove(&read.page);
        if self.stale {
            self.stale = false;
            self.pages.clear();
        }
        true
    }

    /// A read that failed: its page may be asked for again. Returns whether
    /// it was of this view.
    pub fn failed(&mut self, read: &PageRead, message: String) -> bool {
        if !self.arrived(read) {
            return false;
        }
        if self.pages.is_empty() {
            self.state = ListState::Failed(message);
        }
        true
    }

    /// Every client on a page held.
    pub fn held(&self) -> HashSet<ClientId> {
        self.pages
            .values()
            .flat_map(|page| page.ids.iter().copied())
            .collect()
    }

    /// Whether `id` is on a page held (and so shown).
    pub fn holds(&self, id: ClientId) -> bool {
        self.pages.values().any(|page| page.ids.contains(&id))
    }

    /// The view as shown: every page in order, rows `hidden` says are no
    /// longer in the view left out, and a [`Slot::Loading`] for each row of
    /// a page not held; and the `pinned` rows (changed here, not on a page
    /// held): first, or where `name_of` sorts them among the rows held.
    /// Returns the slots in `range` (with the rows loading, or without when
    /// `placeholders` is false) and how many there are.
    pub fn slots(
        &self,
        pinned: &[ClientId],
        name_of: Option<&dyn Fn(ClientId) -> String>,
        hidden: impl Fn(ClientId) -> bool,
        range: std::ops::Range<usize>,
        placeholders: bool,
    ) -> (Vec<Slot>, usize) {
        let mut out = Positions {
            placed: HashSet::new(),
            shown: Vec::new(),
            position: 0,
            range,
            placeholders,
        };
        let mut waiting: Vec<(String, ClientId)> = Vec::new();
        match name_of {
            Some(name_of) => {
                waiting = pinned.iter().map(|id| (name_of(*id), *id)).collect();
                waiting.sort();
                waiting.reverse();
            }
            None => pinned.iter().for_each(|id| out.row(*id)),
        }
        let pages = self.total.div_ceil(PAGE_ROWS);
        for index in 0..pages {
            match self.pages.get(&index) {
                Some(page) => {
                    for id in &page.ids {
                        if hidden(*id) || pinned.contains(id) {
                            continue;
                        }
                        if let Some(name_of) = name_of {
                            let name = name_of(*id);
                            while let Some((_, pinned)) = waiting.pop_if(|(key, _)| *key < name) {
                                out.row(pinned);
                            }
                        }
                        out.row(*id);
                    }
                }
                None => out.loading((self.total - index * PAGE_ROWS).min(PAGE_ROWS) as usize),
            }
        }
        while let Some((_, id)) = waiting.pop() {
            out.row(id);
        }
        (out.shown, out.position)
    }
}

/// The slots of [`Window::slots`] being laid out.
struct Positions {
    /// Rows already placed: a client on two pages read at different times
    /// shows once.
    placed: HashSet<ClientId>,
    /// Whether rows still loading are laid out too, or only counted.
    placeholders: bool,
    shown: Vec<Slot>,
    position: usize,
    range: std::ops::Range<usize>,
}

impl Positions {
    fn row(&mut self, id: ClientId) {
        if !self.placed.insert(id) {
            return;
        }
        if self.range.contains(&self.position) {
            self.shown.push(Slot::Row(id));
        }
        self.position += 1;
    }

    fn loading(&mut self, rows: usize) {
        let end = self.position + rows;
        let from = self.range.start.clamp(self.position, end);
        let to = self.range.end.clamp(self.position, end);
        if !self.placeholders {
            self.position = end;
            return;
        }
        self.shown
            .extend(std::iter::repeat_n(Slot::Loading, to.saturating_sub(from)));
        self.position = end;
    }
}
