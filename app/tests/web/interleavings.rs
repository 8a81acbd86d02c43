//! The screen and the server agree under every interleaving (issue 10).
//!
//! A seeded generator makes random schedules of what a person does (changes
//! to clients, their businesses and users, reading the list and a client) and of how the
//! server and the network answer (as asked, someone else first, refused,
//! failed, lost before or after being applied, late, out of order), and runs
//! each against the store over the scripted fake server, which applies
//! `core`'s rules to its own state. Once every request has settled:
//! - the store shows exactly what the server holds, for every client it
//!   holds whole and every list row;
//! - no message claimed an outcome that did not happen ("saved" for a change
//!   the server never applied, "not saved" for one it did), and every change
//!   the server did not apply was reported as not saved.
//!
//! A failure names its seed and the schedule. `CLIENTELE_SEED` and
//! `CLIENTELE_SCHEDULES` (read when the tests are built) pick which seeds run.

use crate::fixtures::script::{ChangeFault, ReadFault, Script, Waiting};
use crate::fixtures::{FakeServer, demo};
use crate::{
    Mounted, all, choose_ben_and_confirm, click, document, expect, find, mount_at, mount_with,
    page_text, row_names, settle, tab_text,
};
use clientele_app::api::ListQuery;
use clientele_app::store::{ListRow, ListState, RETRY_AFTER, Store, SyncState, backoff};
use clientele_app::toast::Toasts;
use clientele_core::{BusinessId, Client, ClientId, Command, Role, Status, UserId, execute};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// How many schedules run by default.
const SCHEDULES: u64 = 500;

/// SplitMix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// One of `choices`, each as likely as its weight.
    fn weighted<T: Copy>(&mut self, choices: &[(usize, T)]) -> T {
        let total: usize = choices.iter().map(|(weight, _)| weight).sum();
        let mut roll = self.below(total);
        for (weight, choice) in choices {
            if roll < *weight {
                return *choice;
            }
            roll -= weight;
        }
        unreachable!("the roll is below the total")
    }

    fn change_fault(&mut self) -> ChangeFault {
        self.weighted(&[
            (40, ChangeFault::None),
            (10, ChangeFault::SomeoneElseFirst),
            (8, ChangeFault::Refused),
            (8, ChangeFault::ServerError),
            (16, ChangeFault::DropBeforeCommit),
            (18, ChangeFault::DropAfterCommit),
        ])
    }

    fn read_fault(&mut self) -> ReadFault {
        self.weighted(&[
            (45, ReadFault::AsSent),
            (35, ReadFault::AsNow),
            (10, ReadFault::ServerError),
            (10, ReadFault::Dropped),
        ])
    }
}

/// What the messages claimed, per client.
#[derive(Default, Debug)]
struct Claims {
    saved: BTreeMap<ClientId, usize>,
    not_saved: BTreeMap<ClientId, usize>,
}

/// What the schedules covered, to show they reach the interleavings that
/// matter.
#[derive(Default, Debug)]
struct Coverage {
    steps: usize,
    changes: usize,
    applied: usize,
    checked_saved: usize,
    checked_not_saved: usize,
    refused: usize,
}

/// One schedule's world: the fake server and its script, the store the
/// screens would use, and what has been seen so far.
struct World {
    seed: u64,
    server: Arc<FakeServer>,
    script: Arc<Script>,
    store: Store,
    toasts: Toasts,
    reads_in_flight: Rc<Cell<u32>>,
    seen_toasts: HashSet<u64>,
    claims: Claims,
    coverage: Coverage,
    log: Vec<String>,
    _owner: Owner,
}

impl World {
    fn new(seed: u64) -> World {
        let script = Script::new();
        let server = Arc::new(FakeServer {
            script: Some(Arc::clone(&script)),
            ..Default::default()
        });
        let owner = Owner::new();
        let (store, toasts) = owner.with(|| {
            let toasts = Toasts::new();
            (Store::new(server.clone(), toasts), toasts)
        });
        let pauses = Arc::clone(&script);
        store.pause_with(Arc::new(move |_| pauses.hold_pause()));
        World {
            seed,
            server,
            script,
            store,
            toasts,
            reads_in_flight: Rc::default(),
            seen_toasts: HashSet::new(),
            claims: Claims::default(),
            coverage: Coverage::default(),
            log: Vec::new(),
            _owner: owner,
        }
    }

    fn fail(&self, what: String) -> ! {
        let tail = self.log.len().saturating_sub(120);
        panic!(
            "seed {}: {what}\nthe schedule (rerun it with CLIENTELE_SEED={} \
             CLIENTELE_SCHEDULES=1):\n  {}",
            self.seed,
            self.seed,
            self.log[tail..].join("\n  ")
        );
    }

    fn name(id: ClientId) -> String {
        demo()[&id].name.clone()
    }

    fn server_client(&self, id: ClientId) -> Client {
        self.server.clients.lock().unwrap()[&id].clone()
    }

    // ---- what a person does ----------------------------------------------------

    fn load_list(&mut self) {
        self.log.push("the list is read".into());
        self.store.load_list();
    }

    fn read_client(&mut self, id: ClientId) {
        self.log.push(format!("{} is read", Self::name(id)));
        let store = self.store;
        let in_flight = Rc::clone(&self.reads_in_flight);
        in_flight.set(in_flight.get() + 1);
        spawn_local(async move {
            let _ = store.fetch_client(id).await;
            in_flight.set(in_flight.get() - 1);
        });
    }

    fn submit(&mut self, id: ClientId, command: Command) {
        self.log
            .push(format!("{} is changed: {command:?}", Self::name(id)));
        self.store.submit(id, command);
    }

    /// A change to `id`: mostly one `core` allows on the client as shown, as
    /// the screens offer; sometimes any.
    fn some_change(&self, rng: &mut Rng, id: ClientId) -> Command {
        let shape = &demo()[&id];
        let users: Vec<_> = shape.users.iter().map(|user| user.id).collect();
        let businesses: Vec<_> = shape.businesses.iter().map(|b| b.id).collect();
        let mut commands = vec![Command::ReactivateClient];
        for &new_owner_id in &users {
            commands.push(Command::DeactivateClient {
                new_owner_id,
                reason: None,
            });
            for &business_id in &businesses {
                commands.push(Command::DeactivateBusiness {
                    business_id,
                    new_owner_id,
                    reason: None,
                });
            }
        }
        for &business_id in &businesses {
            commands.push(Command::ReactivateBusiness { business_id });
            commands.push(Command::RenameBusiness {
                business_id,
                name: format!("Renamed {}", rng.below(2)),
            });
        }
        // The everyday edits: the name stays, so every message still names
        // the client; codes and emails may clash with another client's, which
        // only the server can tell.
        let code = ["K-1", "K-2", ""][rng.below(3)];
        commands.push(Command::EditClient {
            name: Some(shape.name.clone()),
            code: Some(Some(code.to_owned())),
        });
        commands.push(Command::AddBusiness {
            business_id: BusinessId(self.store.provisional_id()),
            name: "New business".into(),
        });
        commands.push(Command::AddUser {
            user_id: UserId(self.store.provisional_id()),
            name: "New user".into(),
            email: format!("new{}@example.test", rng.below(2)),
            role: Role::Standard,
        });
        for &user_id in &users {
            commands.push(Command::RemoveUser { user_id });
        }
        let shown = self
            .store
            .clients
            .with_untracked(|clients| clients.get(&id).cloned());
        let allowed: Vec<Command> = match shown {
            Some(client) => commands
                .iter()
                .filter(|command| execute(&client, client.version, command).is_ok())
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if allowed.is_empty() || rng.percent(10) {
            commands[rng.below(commands.len())].clone()
        } else {
            allowed[rng.below(allowed.len())].clone()
        }
    }

    fn person_acts(&mut self, rng: &mut Rng) {
        let id = ClientId(rng.pick(&[1, 2, 3]));
        match rng.below(10) {
            0..=5 => {
                let command = self.some_change(rng, id);
                self.submit(id, command);
            }
            6..=8 => self.read_client(id),
            _ => self.load_list(),
        }
    }

    // ---- what the server and the network do ------------------------------------------

    fn server_acts(&mut self, rng: &mut Rng, faults: bool) {
        let waiting = self.script.waiting();
        let index = rng.below(waiting.len());
        let (read, fault) = if faults {
            (rng.read_fault(), rng.change_fault())
        } else {
            (ReadFault::AsNow, ChangeFault::None)
        };
        if faults && waiting[index] == (Waiting::Change { decided: false }) && rng.percent(30) {
            self.log
                .push(format!("change #{index} reaches the server: {fault:?}"));
            self.script.decide(&self.server, index, fault);
            return;
        }
        self.log.push(match waiting[index] {
            Waiting::Read => format!("read #{index} is answered: {read:?}"),
            Waiting::Change { decided: true } => format!("change #{index}'s answer arrives"),
            Waiting::Change { decided: false } => format!("change #{index} is answered: {fault:?}"),
            Waiting::Pause => format!("pause #{index} ends"),
        });
        self.script.answer(&self.server, index, read, fault);
    }

    // ---- checks ----------------------------------------------------------------------

    /// Every request has been answered and everything it started has ended.
    fn settled(&self) -> bool {
        self.script.waiting().is_empty()
            && self.reads_in_flight.get() == 0
            && self
                .store
                .syncing
                .with_untracked(|syncing| syncing.is_empty())
            && untrack(|| self.store.list_state()) != ListState::Loading
    }

    /// Each new message that claims an outcome names one client, and the
    /// claim is true of that client's last change.
    fn check_new_toasts(&mut self) {
        for (toast_id, text) in untrack(|| self.toasts.shown()) {
            if !self.seen_toasts.insert(toast_id) {
                continue;
            }
            self.log.push(format!("the person is told: {text}"));
            let claim = if text.contains("cannot be told") {
                // The server changes only through this store's changes,
                // one at a time per client, so the outcome can always be
                // told here.
                self.fail(format!("the outcome could not be told: {text}"));
            } else if text.contains("was not saved") {
                Some(false)
            } else if text.contains("was saved") {
                Some(true)
            } else {
                None
            };
            let Some(saved) = claim else { continue };
            let named: Vec<ClientId> = demo()
                .values()
                .filter(|client| text.contains(&client.name))
                .map(|client| client.id)
                .collect();
            let [id] = named[..] else {
                self.fail(format!("the message names no one client: {text}"));
            };
            let applied = self
                .script
                .sent()
                .get(&id)
                .and_then(|changes| changes.last().map(|change| change.applied));
            if applied != Some(saved) {
                self.fail(format!(
                    "the message claims saved={saved} but the server applied={applied:?}: {text}"
                ));
            }
            let tally = if saved {
                &mut self.claims.saved
            } else {
                &mut self.claims.not_saved
            };
            *tally.entry(id).or_default() += 1;
            match (text.contains("asked again"), saved) {
                (true, true) => self.coverage.checked_saved += 1,
                (true, false) => self.coverage.checked_not_saved += 1,
                (false, _) => self.coverage.refused += 1,
            }
        }
    }

    /// Once settled: the store shows what the server holds, and every change
    /// the server did not apply was reported.
    fn check_agreement(&self) {
        let server = self.server.clients.lock().unwrap().clone();
        self.store.clients.with_untracked(|shown| {
            for (id, client) in shown {
                if *client != server[id] {
                    self.fail(format!(
                        "the store shows {client:?}\nbut the server holds {:?}",
                        server[id]
                    ));
                }
            }
        });
        // The list shows the view's tab as the server sorts it, each row as
        // the server holds it, and both counts.
        if matches!(untrack(|| self.store.list_state()), ListState::Failed(_)) {
            // The last read of the list failed: it shows that, and no rows.
            return self.check_told();
        }
        let query = untrack(|| self.store.list_query());
        let (listed, total) = untrack(|| self.store.list_rows(0, usize::MAX));
        let mut expected: Vec<&Client> = server
            .values()
            .filter(|client| client.status == query.status)
            .collect();
        expected.sort_by_key(|client| (client.name.to_lowercase(), client.id));
        let listed_ids: Vec<Option<ClientId>> = listed
            .iter()
            .map(|row| match row {
                ListRow::Row(row) => Some(row.id),
                ListRow::Loading(_) => None,
            })
            .collect();
        let expected_ids: Vec<Option<ClientId>> =
            expected.iter().map(|client| Some(client.id)).collect();
        if listed_ids != expected_ids || total != expected.len() {
            self.fail(format!("the list shows {listed:?}"));
        }
        for row in listed.iter().filter_map(|row| match row {
            ListRow::Row(row) => Some(row),
            ListRow::Loading(_) => None,
        }) {
            let held = &server[&row.id];
            let agrees = row.status == held.status
                && row.owner.id == held.owner
                && row.business_count == held.businesses.len()
                && row.version == held.version;
            if !agrees {
                self.fail(format!(
                    "the list shows {row:?}\nbut the server holds {held:?}"
                ));
            }
        }
        let count = |status| server.values().filter(|c| c.status == status).count() as u64;
        let counts = untrack(|| self.store.counts());
        if (counts.active, counts.deactivated)
            != (count(Status::Active), count(Status::Deactivated))
        {
            self.fail(format!("the tabs count {counts:?}"));
        }
        self.check_told();
    }

    /// Every change the server did not apply was reported as not saved, and
    /// none claimed saved that was not.
    fn check_told(&self) {
        for (id, changes) in self.script.sent() {
            let not_applied = changes.iter().filter(|change| !change.applied).count();
            let applied = changes.len() - not_applied;
            let told_not_saved = self.claims.not_saved.get(&id).copied().unwrap_or(0);
            let told_saved = self.claims.saved.get(&id).copied().unwrap_or(0);
            if told_not_saved != not_applied || told_saved > applied {
                self.fail(format!(
                    "{}: {not_applied} changes not applied and {told_not_saved} reported \
                     not saved; {applied} applied and {told_saved} reported saved",
                    Self::name(id)
                ));
            }
        }
    }
}

/// Leptos starts its task executor when it first mounts something; these
/// tests drive the store without mounting the app, so they mount nothing
/// into a detached element once.
fn start_executor() {
    thread_local!(static STARTED: Cell<bool> = const { Cell::new(false) });
    if !STARTED.replace(true) {
        let element = document().create_element("div").unwrap();
        std::mem::forget(leptos::mount::mount_to(element.unchecked_into(), || ()));
    }
}

/// Lets every task that can run, run.
async fn drain() {
    for _ in 0..4 {
        leptos::task::tick().await;
    }
}

/// Answers everything, in a random order (with faults for the first
/// `faulty` answers, then as asked), until all has settled.
async fn settle_all(world: &mut World, rng: &mut Rng, faulty: usize) {
    let mut answers = 0;
    let mut idle = 0;
    loop {
        drain().await;
        world.check_new_toasts();
        if world.settled() {
            return;
        }
        if world.script.waiting().is_empty() {
            idle += 1;
            if idle > 100 {
                world.fail("nothing is waiting for the server, yet it has not settled".into());
            }
            continue;
        }
        idle = 0;
        world.server_acts(rng, answers < faulty);
        answers += 1;
        if answers > 10_000 {
            world.fail("it never settles".into());
        }
    }
}

/// One schedule: the screens' first reads, then random steps, then every
/// request answered; then the checks.
async fn run_schedule(seed: u64, coverage: &mut Coverage) {
    let mut rng = Rng(seed);
    let mut world = World::new(seed);
    world.load_list();
    for id in [1, 2, 3] {
        world.read_client(ClientId(id));
    }
    settle_all(&mut world, &mut rng, 0).await;
    world.log.push("-- the screens have loaded --".into());

    let steps = 8 + rng.below(40);
    for _ in 0..steps {
        if world.script.waiting().is_empty() || rng.percent(35) {
            world.person_acts(&mut rng);
        } else {
            world.server_acts(&mut rng, true);
        }
        drain().await;
        world.check_new_toasts();
    }
    world.log.push("-- everything is answered --".into());
    settle_all(&mut world, &mut rng, 30).await;
    world.check_agreement();

    let sent: Vec<_> = world.script.sent().into_values().flatten().collect();
    coverage.steps += steps;
    coverage.changes += sent.len();
    coverage.applied += sent.iter().filter(|change| change.applied).count();
    coverage.checked_saved += world.coverage.checked_saved;
    coverage.checked_not_saved += world.coverage.checked_not_saved;
    coverage.refused += world.coverage.refused;
}

#[wasm_bindgen_test]
async fn the_store_and_the_server_agree_under_every_interleaving() {
    start_executor();
    let first: u64 = option_env!("CLIENTELE_SEED").map_or(0, |seed| seed.parse().unwrap());
    let count: u64 = option_env!("CLIENTELE_SCHEDULES").map_or(SCHEDULES, |n| n.parse().unwrap());
    let started = js_sys::Date::now();
    let mut coverage = Coverage::default();
    for seed in first..first + count {
        run_schedule(seed, &mut coverage).await;
    }
    console_log!(
        "{count} schedules in {:.1} s: {coverage:?}",
        (js_sys::Date::now() - started) / 1000.0
    );
    assert!(
        count < 100 || (coverage.checked_saved > 0 && coverage.checked_not_saved > 0),
        "the schedules reach changes in doubt, both applied and not: {coverage:?}"
    );
}

// ---- the holes, one at a time ----------------------------------------------------------

/// Answers every held request as asked, reads as they are now, until
/// nothing is held.
async fn answer_everything(app: &Mounted) {
    let script = app.server.script.clone().unwrap();
    while !script.waiting().is_empty() {
        script.answer(&app.server, 0, ReadFault::AsNow, ChangeFault::None);
        settle().await;
    }
}

/// The app at `path` over a scripted `server`, with the screens' first
/// reads answered.
async fn mount_scripted(path: &str, server: FakeServer) -> Mounted {
    let app = mount_with(
        path,
        FakeServer {
            script: Some(Script::new()),
            ..server
        },
    )
    .await;
    answer_everything(&app).await;
    app
}

/// The only held request of this kind.
fn held(app: &Mounted, kind: Waiting) -> usize {
    let waiting = app.server.script.as_ref().unwrap().waiting();
    let found: Vec<usize> = (0..waiting.len()).filter(|&i| waiting[i] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind:?} among {waiting:?}");
    found[0]
}

async fn answer_change(app: &Mounted, fault: ChangeFault) {
    let index = held(app, Waiting::Change { decided: false });
    let script = app.server.script.as_ref().unwrap();
    script.answer(&app.server, index, ReadFault::AsNow, fault);
    settle().await;
}

async fn answer_read(app: &Mounted, read: ReadFault) {
    let index = held(app, Waiting::Read);
    let script = app.server.script.as_ref().unwrap();
    script.answer(&app.server, index, read, ChangeFault::None);
    settle().await;
}

/// Answers the held reads of list pages, as the server is now.
async fn answer_pages(app: &Mounted) {
    app.server
        .script
        .as_ref()
        .unwrap()
        .answer_pages(&app.server);
    settle().await;
}

/// The mounted app waits on the browser's clock before it retries.
async fn wait_for_the_retry() {
    crate::sleep(RETRY_AFTER.as_millis() as i32 + 100).await;
}

fn alert_text() -> String {
    find("[role=alert]", "")
        .and_then(|alert| alert.text_content())
        .unwrap_or_default()
}

/// Deactivates Acme with Ben as the new owner, from the list, with the
/// client's read answered.
async fn deactivate_acme(app: &Mounted) {
    click(&expect("button[aria-label='Manage Acme Ltd']", "Manage")).await;
    click(&expect("[role=menuitem]", "Deactivate client")).await;
    answer_read(app, ReadFault::AsNow).await;
    choose_ben_and_confirm().await;
}

#[wasm_bindgen_test]
async fn a_change_applied_whose_answer_and_retry_were_lost_is_checked_and_reported_saved() {
    let app = mount_scripted("/clients", FakeServer::default()).await;
    deactivate_acme(&app).await;
    answer_change(&app, ChangeFault::DropAfterCommit).await;
    wait_for_the_retry().await;
    answer_change(&app, ChangeFault::DropBeforeCommit).await;

    // Neither outcome is claimed while the server is asked again.
    click(&expect("[role=tab]", "Deactivated clients")).await;
    answer_pages(&app).await;
    assert_eq!(row_names(), ["Acme Ltd", "Cedar LLP"]);
    assert!(page_text().contains("Checking…"), "{}", page_text());
    assert_eq!(alert_text(), "");

    answer_read(&app, ReadFault::AsNow).await;
    assert_eq!(
        row_names(),
        ["Acme Ltd", "Cedar LLP"],
        "as the server holds it"
    );
    assert!(!page_text().contains("Checking…"));
    assert_eq!(tab_text("Deactivated clients"), "Deactivated clients (2)");
    let alert = alert_text();
    assert!(
        alert.contains("your change to Acme Ltd was saved"),
        "{alert}"
    );
    let stored = app.server.read_client(ClientId(1)).unwrap();
    assert_eq!(stored.status, Status::Deactivated);
    assert_eq!(stored.version, 2, "applied once");
}

#[wasm_bindgen_test]
async fn a_change_lost_before_it_was_applied_twice_is_checked_and_reported_not_saved() {
    let app = mount_scripted("/clients", FakeServer::default()).await;
    deactivate_acme(&app).await;
    answer_change(&app, ChangeFault::DropBeforeCommit).await;
    wait_for_the_retry().await;
    answer_change(&app, ChangeFault::DropBeforeCommit).await;
    assert_eq!(
        row_names(),
        ["Birch & Co"],
        "still as changed, while checking"
    );

    // The first re-read is lost too; the next comes after the backoff
    // (the app's own clock here).
    answer_read(&app, ReadFault::Dropped).await;
    assert!(app.server.script.as_ref().unwrap().waiting().is_empty());
    assert!(page_text().contains("Checking…") || row_names() == ["Birch & Co"]);
    crate::sleep(backoff(1).as_millis() as i32 + 100).await;
    answer_read(&app, ReadFault::AsNow).await;

    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    let alert = alert_text();
    assert!(
        alert.contains("Could not reach the server") && alert.contains("was not saved"),
        "{alert}"
    );
    assert_eq!(app.server.read_client(ClientId(1)).unwrap().version, 1);
}

/// The store over the scripted server, with the list and every client read.
async fn loaded_world() -> World {
    start_executor();
    let mut world = World::new(0);
    world.load_list();
    for id in [1, 2, 3] {
        world.read_client(ClientId(id));
    }
    settle_all(&mut world, &mut Rng(0), 0).await;
    world
}

impl World {
    /// Answers the oldest held request of this kind.
    async fn answer(&mut self, kind: Waiting, read: ReadFault, fault: ChangeFault) {
        let index = self
            .script
            .waiting()
            .iter()
            .position(|waiting| *waiting == kind)
            .unwrap_or_else(|| panic!("no {kind:?} is held"));
        self.script.answer(&self.server, index, read, fault);
        drain().await;
        self.check_new_toasts();
    }

    fn shown(&self, id: ClientId) -> Client {
        self.store
            .clients
            .with_untracked(|clients| clients[&id].clone())
    }

    /// The tabs' counts as shown: (active, deactivated).
    fn tab_counts(&self) -> (u64, u64) {
        let counts = untrack(|| self.store.counts());
        (counts.active, counts.deactivated)
    }

    /// How many clients the server holds in each tab.
    fn server_counts(&self) -> (u64, u64) {
        let clients = self.server.clients.lock().unwrap();
        let count = |status| clients.values().filter(|c| c.status == status).count() as u64;
        (count(Status::Active), count(Status::Deactivated))
    }

    fn row_version(&self, id: ClientId) -> (Status, u64) {
        self.store.rows.with_untracked(|rows| {
            let row = &rows[&id];
            (row.status, row.version)
        })
    }
}

#[wasm_bindgen_test]
async fn a_client_read_before_a_change_and_answered_after_it_never_brings_the_old_one_back() {
    let mut world = loaded_world().await;
    world.read_client(ClientId(3));
    world.submit(ClientId(3), Command::ReactivateClient);
    drain().await;
    let change = Waiting::Change { decided: false };
    world
        .answer(change, ReadFault::AsNow, ChangeFault::None)
        .await;
    assert_eq!(world.shown(ClientId(3)).version, 2);

    world
        .answer(Waiting::Read, ReadFault::AsSent, ChangeFault::None)
        .await;
    assert_eq!(world.server_client(ClientId(3)).version, 2);
    let shown = world.shown(ClientId(3));
    assert_eq!((shown.status, shown.version), (Status::Active, 2));
    assert_eq!(world.row_version(ClientId(3)), (Status::Active, 2));
    // The list is read again after the change.
    settle_all(&mut world, &mut Rng(0), 0).await;
    world.check_agreement();
}

#[wasm_bindgen_test]
async fn a_list_read_before_a_change_and_answered_after_it_never_brings_the_old_row_back() {
    let mut world = loaded_world().await;
    world.load_list();
    drain().await;
    let acme = ClientId(1);
    world.submit(
        acme,
        Command::DeactivateClient {
            new_owner_id: clientele_core::UserId(11),
            reason: None,
        },
    );
    drain().await;
    let change = Waiting::Change { decided: false };
    world
        .answer(change, ReadFault::AsNow, ChangeFault::None)
        .await;
    // Answered, and before any read brings counts that hold it: the tabs
    // count the change still, as the server does.
    assert_eq!(world.tab_counts(), world.server_counts());
    // The active tab, read before the change, still lists Acme as active.
    world
        .answer(Waiting::Read, ReadFault::AsSent, ChangeFault::None)
        .await;
    assert_eq!(world.row_version(acme), (Status::Deactivated, 2));
    assert_eq!(
        world.tab_counts(),
        world.server_counts(),
        "counts read before the change do not take it back"
    );
    world
        .answer(Waiting::Read, ReadFault::AsSent, ChangeFault::None)
        .await;
    assert_eq!(world.row_version(acme), (Status::Deactivated, 2));
    assert_eq!(world.tab_counts(), world.server_counts());
    assert!(world.settled());
    world.check_agreement();
}

#[wasm_bindgen_test]
async fn a_row_changed_here_is_changed_just_now_until_the_list_brings_the_servers_time() {
    let mut world = loaded_world().await;
    let cedar = ClientId(3);
    world.submit(cedar, Command::ReactivateClient);
    drain().await;
    assert!(
        untrack(|| world.store.changed_just_now(cedar)).is_some(),
        "while syncing"
    );
    let change = Waiting::Change { decided: false };
    world
        .answer(change, ReadFault::AsNow, ChangeFault::None)
        .await;
    assert!(
        untrack(|| world.store.changed_just_now(cedar)).is_some(),
        "once saved"
    );
    let updated_at = |world: &World| {
        world
            .store
            .rows
            .with_untracked(|rows| rows.get(&cedar).map(|row| row.updated_at.clone()))
    };
    // Cedar was on no page read (the list shows the active tab), so its
    // row has no time from the server, and none is made up.
    assert_eq!(
        updated_at(&world).as_deref(),
        Some(""),
        "no time is made up"
    );

    world.load_list();
    settle_all(&mut world, &mut Rng(0), 0).await;
    assert_eq!(untrack(|| world.store.changed_just_now(cedar)), None);
}

#[wasm_bindgen_test]
async fn a_refused_change_is_not_changed_just_now() {
    let mut world = loaded_world().await;
    let cedar = ClientId(3);
    world.submit(cedar, Command::ReactivateClient);
    drain().await;
    let change = Waiting::Change { decided: false };
    world
        .answer(change, ReadFault::AsNow, ChangeFault::Refused)
        .await;
    assert_eq!(untrack(|| world.store.changed_just_now(cedar)), None);
    assert_eq!(world.shown(cedar).status, Status::Deactivated);
}

#[wasm_bindgen_test]
async fn a_change_sorts_first_by_last_change() {
    let _app = mount_at("/clients?tab=deactivated&sort=updated").await;
    click(&expect("tbody button", "Reactivate")).await;
    click(&expect("[role=dialog] button", "Reactivate")).await;
    click(&expect("[role=tab]", "Active clients")).await;
    assert_eq!(row_names(), ["Cedar LLP", "Acme Ltd", "Birch & Co"]);
}

/// The button labelled `label` on the table row whose first cell starts
/// with `row`.
fn row_button(row: &str, label: &str) -> web_sys::HtmlElement {
    all("tbody tr")
        .into_iter()
        .find(|tr| {
            tr.query_selector("td:not(.select)")
                .ok()
                .flatten()
                .and_then(|td| td.text_content())
                .is_some_and(|text| text.trim().starts_with(row))
        })
        .and_then(|tr| {
            all("button").into_iter().find(|button| {
                tr.contains(Some(button)) && button.text_content().as_deref() == Some(label)
            })
        })
        .unwrap_or_else(|| panic!("no '{label}' on the row '{row}'"))
}

fn is_focused(element: &web_sys::HtmlElement) -> bool {
    document().active_element().is_some_and(|active| {
        wasm_bindgen::JsValue::from(active) == wasm_bindgen::JsValue::from(element.clone())
    })
}

#[wasm_bindgen_test]
async fn focus_stays_where_it_was_while_a_change_is_made_and_saved() {
    focus_stays_through_a_change_answered(ChangeFault::None).await;
}

#[wasm_bindgen_test]
async fn focus_stays_where_it_was_while_a_change_is_made_and_refused_after_someone_elses() {
    focus_stays_through_a_change_answered(ChangeFault::SomeoneElseFirst).await;
}

/// A business of Acme is reactivated and the server answers meeting
/// `fault`, while the person has another business's documents open: the
/// screen updates in place, and neither the dialog nor focus is lost.
async fn focus_stays_through_a_change_answered(fault: ChangeFault) {
    let mut clients = demo();
    for business in &mut clients.get_mut(&ClientId(1)).unwrap().businesses {
        business.status = Status::Deactivated;
    }
    let app = mount_scripted(
        "/clients/1?tab=deactivated",
        FakeServer {
            clients: std::sync::Mutex::new(clients),
            ..Default::default()
        },
    )
    .await;
    let tab = expect("[role=tab]", "Deactivated businesses");
    tab.focus().unwrap();

    // One click reactivates Acme Cafe (a click from a script leaves focus
    // where it was); the server is slow to answer.
    row_button("Acme Cafe", "Reactivate").click();
    settle().await;
    assert_eq!(
        tab_text("Deactivated businesses"),
        "Deactivated businesses (1)"
    );
    assert!(page_text().contains(SyncState::Syncing.label()));
    assert!(
        is_focused(&tab),
        "focus stayed through the optimistic change"
    );

    // Meanwhile the person opens Acme Shop's documents.
    click(&row_button("Acme Shop", "Documents")).await;
    let dialog = expect("[role=dialog]", "");
    let inside: web_sys::HtmlElement = document().active_element().unwrap().unchecked_into();
    assert!(dialog.contains(Some(&inside)), "the dialog took focus");

    answer_change(&app, fault).await;
    answer_everything(&app).await;
    assert!(!page_text().contains(SyncState::Syncing.label()));
    let server = app.server.read_client(ClientId(1)).unwrap();
    assert_eq!(
        tab_text("Active businesses"),
        format!(
            "Active businesses ({})",
            server.count_businesses(Status::Active)
        ),
        "as the server holds it"
    );
    assert!(
        find("[role=dialog]", "").is_some(),
        "the dialog is still open"
    );
    assert!(
        inside.is_connected() && is_focused(&inside),
        "focus stayed through the answer"
    );
}

#[wasm_bindgen_test]
async fn a_search_answered_after_a_newer_one_never_replaces_it() {
    let mut world = loaded_world().await;
    let search = |text: &str| ListQuery {
        search: text.into(),
        ..ListQuery::default()
    };
    world.store.show_list(search("acme"));
    world.store.show_list(search("birch"));
    drain().await;
    // Held: Acme's page and counts, then Birch's. Birch's page is answered
    // first, then Acme's, late.
    assert_eq!(world.script.waiting().len(), 4);
    world
        .script
        .answer(&world.server, 2, ReadFault::AsNow, ChangeFault::None);
    drain().await;
    world
        .script
        .answer(&world.server, 0, ReadFault::AsNow, ChangeFault::None);
    settle_all(&mut world, &mut Rng(0), 0).await;
    let (rows, total) = untrack(|| world.store.list_rows(0, 10));
    let names: Vec<String> = rows
        .iter()
        .filter_map(|row| match row {
            ListRow::Row(row) => Some(row.name.clone()),
            ListRow::Loading(_) => None,
        })
        .collect();
    assert_eq!((names, total), (vec!["Birch & Co".to_owned()], 1));
}
