//! The one writer connection, and the two ways to write through it.
//!
//! - [`SqliteStore::write`] runs a write on the calling (blocking) thread,
//!   in a transaction of its own.
//! - [`SqliteStore::hand_over`] queues a write for whichever thread is
//!   draining the queue, and answers on a channel. The drainer takes every
//!   write queued (at most [`MOST_WRITES_PER_COMMIT`]) into one transaction
//!   and commits them together (group commit), so under load a busy writer
//!   goes from one group to the next without sleeping, and no thread waits
//!   between an async handler and the writer. Each write but a
//!   transaction's first runs in a savepoint of its own, so one that fails
//!   is undone alone; none is answered before the commit that keeps it.
//!
//! Between groups the drainer lets a waiting [`SqliteStore::write`] have the
//! connection first, so a steady stream of queued writes never holds the
//! others back.

use super::{SqliteStore, StoreError, run_cached};
use parking_lot::{Mutex, MutexGuard};
use rusqlite::Connection;
use std::any::Any;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use tokio::sync::oneshot;

/// The most writes one commit takes. More would only make the first of
/// them wait longer for its answer.
const MOST_WRITES_PER_COMMIT: usize = 64;

/// The one writer connection, and the writes queued for it.
pub(super) struct Writer {
    /// The connection: whoever holds it is writing.
    connection: Mutex<Connection>,
    /// Writes handed over, and whether a thread is draining them.
    queue: std::sync::Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    waiting: VecDeque<Box<dyn Job>>,
    /// Whether a thread is draining the queue: a write handed over while
    /// one is needs no other.
    draining: bool,
}

/// What a write came to: its result, or its panic.
type Ran<T> = Result<Result<T, StoreError>, Box<dyn Any + Send>>;

/// A write handed over, not yet run.
trait Job: Send {
    /// Runs the write on the open transaction.
    fn run(self: Box<Self>, connection: &Connection) -> Box<dyn Done>;
    /// Answers without running it: no transaction could be begun.
    fn refuse(self: Box<Self>, error: String);
}

/// A write that has run, waiting for its answer.
trait Done: Send {
    /// Whether it succeeded, so that its changes are to be kept.
    fn succeeded(&self) -> bool;
    /// Answers its caller, given how the commit went (a write that failed
    /// answers its own error, whatever the commit).
    fn answer(self: Box<Self>, committed: Result<(), String>);
}

struct Queued<T, F> {
    what: &'static str,
    work: F,
    to: oneshot::Sender<Result<T, StoreError>>,
}

struct Answered<T> {
    what: &'static str,
    ran: Ran<T>,
    to: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Job for Queued<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
{
    fn run(self: Box<Self>, connection: &Connection) -> Box<dyn Done> {
        let Queued { what, work, to } = *self;
        let ran = catch_unwind(AssertUnwindSafe(|| work(connection)));
        Box::new(Answered { what, ran, to })
    }

    fn refuse(self: Box<Self>, error: String) {
        let Queued { what, to, .. } = *self;
        let _ = to.send(Err(StoreError::Internal(error).context(what)));
    }
}

impl<T: Send + 'static> Done for Answered<T> {
    fn succeeded(&self) -> bool {
        matches!(self.ran, Ok(Ok(_)))
    }

    fn answer(self: Box<Self>, committed: Result<(), String>) {
        let Answered { what, ran, to } = *self;
        let answer = match (ran, committed) {
            // The panic's message went to the log when it happened.
            (Err(_), _) => Err(StoreError::Internal("the write panicked".into())),
            (Ok(Err(error)), _) => Err(error),
            (Ok(Ok(value)), Ok(())) => Ok(value),
            (Ok(Ok(_)), Err(error)) => Err(StoreError::Internal(format!("committing: {error}"))),
        };
        // The caller may have gone (its request was dropped); the write
        // stands all the same.
        let _ = to.send(answer.map_err(|error| error.context(what)));
    }
}

impl Writer {
    /// The writer of `connection`, with nothing queued.
    pub(super) fn new(connection: Connection) -> Writer {
        Writer {
            connection: Mutex::new(connection),
            queue: std::sync::Mutex::new(Queue::default()),
        }
    }

    /// Queues `job`, and starts a drainer on the blocking pool unless one
    /// is draining already.
    fn hand_over(self: &Arc<Self>, job: Box<dyn Job>) {
        let start = {
            let mut queue = lock_queue(&self.queue);
            queue.waiting.push_back(job);
            !std::mem::replace(&mut queue.draining, true)
        };
        if start {
            let writer = Arc::clone(self);
            tokio::task::spawn_blocking(move || writer.drain());
        }
    }

    /// Commits the queue's writes, a group at a time, until it is empty.
    fn drain(&self) {
        let mut connection = self.connection.lock();
        loop {
            let group: Vec<Box<dyn Job>> = {
                let mut queue = lock_queue(&self.queue);
                if queue.waiting.is_empty() {
                    queue.draining = false;
                    return;
                }
                let take = queue.waiting.len().min(MOST_WRITES_PER_COMMIT);
                queue.waiting.drain(..take).collect()
            };
            commit_group(&connection, group);
            // A write waiting on its own thread goes next, if there is one.
            MutexGuard::bump(&mut connection);
        }
    }
}

/// Runs `group` in one transaction and answers each write: those that
/// failed once undone, the rest once committed.
fn commit_group(connection: &Connection, group: Vec<Box<dyn Job>>) {
    let mut kept: Vec<Box<dyn Done>> = Vec::new();
    let mut open = false;
    for job in group {
        if !open {
            if let Err(error) = run_cached(connection, "BEGIN IMMEDIATE") {
                job.refuse(format!("beginning a transaction: {error}"));
                continue;
            }
            open = true;
            // The first of a transaction needs no savepoint: if it fails,
            // the transaction holds nothing else to keep.
            let done = job.run(connection);
            if !done.succeeded() {
                rollback(connection);
                open = false;
                done.answer(Ok(()));
            } else if connection.is_autocommit() {
                // SQLite rolled the transaction back (a full disk, an I/O
                // error) though the write did not fail.
                open = false;
                done.answer(Err("the transaction was lost".into()));
            } else {
                kept.push(done);
            }
            continue;
        }
        if let Err(error) = run_cached(connection, "SAVEPOINT write") {
            job.refuse(format!("starting a savepoint: {error}"));
            continue;
        }
        let done = job.run(connection);
        let succeeded = done.succeeded();
        let kept_sound = if succeeded {
            run_cached(connection, "RELEASE write")
        } else {
            run_cached(connection, "ROLLBACK TO write")
                .and_then(|()| run_cached(connection, "RELEASE write"))
        };
        if succeeded {
            kept.push(done);
        } else {
            done.answer(Ok(()));
        }
        // SQLite rolls a whole transaction back on some errors (a full
        // disk, an I/O error); the group's other writes are gone then too.
        if kept_sound.is_err() || connection.is_autocommit() {
            rollback(connection);
            open = false;
            for done in kept.drain(..) {
                done.answer(Err("the transaction was lost".into()));
            }
        }
    }
    if open {
        let committed = run_cached(connection, "COMMIT");
        if committed.is_err() {
            rollback(connection);
        }
        let committed = committed.map_err(|error| error.to_string());
        for done in kept {
            done.answer(committed.clone());
        }
    }
}

/// Rolls back the open transaction, if SQLite has not already.
fn rollback(connection: &Connection) {
    if !connection.is_autocommit() {
        let _ = run_cached(connection, "ROLLBACK");
    }
}

fn lock_queue(queue: &std::sync::Mutex<Queue>) -> std::sync::MutexGuard<'_, Queue> {
    queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStore {
    /// Runs `work` on the writer in a `BEGIN IMMEDIATE` transaction of its
    /// own, on the calling thread, and answers once it has committed; an
    /// error (or a panic) in `work` rolls it back. `what` names it in the
    /// log.
    pub(super) fn write<T>(
        &self,
        what: &str,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let connection = self.writer.connection.lock();
        run_cached(&connection, "BEGIN IMMEDIATE")
            .map_err(|error| StoreError::from(error).context(what))?;
        let ran = catch_unwind(AssertUnwindSafe(|| work(&connection)));
        let committed = match &ran {
            Ok(Ok(_)) => {
                let committed = run_cached(&connection, "COMMIT");
                if committed.is_err() {
                    rollback(&connection);
                }
                committed
            }
            _ => {
                rollback(&connection);
                Ok(())
            }
        };
        drop(connection);
        let result = ran.unwrap_or_else(|panic| resume_unwind(panic));
        match committed {
            Ok(()) => result.map_err(|error| error.context(what)),
            Err(error) => Err(StoreError::Internal(format!("committing: {error}")).context(what)),
        }
    }

    /// Queues `work` for the writer, to run in a group with whatever else is
    /// queued (see the module's notes), and answers on the receiver once
    /// its group has committed. Must be called within the Tokio runtime.
    pub(super) fn hand_over<T, F>(
        &self,
        what: &'static str,
        work: F,
    ) -> oneshot::Receiver<Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (to, answer) = oneshot::channel();
        self.writer.hand_over(Box::new(Queued { what, work, to }));
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn insert(db: &Connection, name: &str) -> Result<(), StoreError> {
        db.prepare_cached("INSERT INTO practice (name) VALUES (?1)")?
            .execute([name])?;
        Ok(())
    }

    fn names(store: &SqliteStore) -> Vec<String> {
        let mut names: Vec<String> = store
            .read("reading back", |db| {
                Ok(db
                    .prepare("SELECT name FROM practice")?
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()?)
            })
            .unwrap();
        names.sort();
        names
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_handed_over_together_keep_each_ones_outcome_a_refusal_or_panic_undoing_only_its_own()
     {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("group.db")).unwrap();
        let writes = 48;
        // The first write holds the writer long enough for the others to
        // queue behind it, so that they commit in groups.
        let answers: Vec<_> = (0..writes)
            .map(|n| {
                store.hand_over("a test write", move |db| {
                    insert(db, &format!("{n:02}"))?;
                    std::thread::sleep(Duration::from_millis(if n == 0 { 50 } else { 1 }));
                    match n % 6 {
                        0 => Err(StoreError::NotFound),
                        3 => panic!("write {n} panics after writing"),
                        _ => Ok(n),
                    }
                })
            })
            .collect();
        for (n, answer) in answers.into_iter().enumerate() {
            let answer = answer.await.expect("every write is answered");
            match n % 6 {
                0 => assert!(matches!(answer, Err(StoreError::NotFound)), "{n}"),
                3 => assert!(matches!(answer, Err(StoreError::Internal(_))), "{n}"),
                _ => assert!(matches!(answer, Ok(m) if m == n), "{n}"),
            }
        }
        let expected: Vec<String> = (0..writes)
            .filter(|n| n % 3 != 0)
            .map(|n| format!("{n:02}"))
            .collect();
        assert_eq!(
            names(&store),
            expected,
            "exactly the writes that succeeded were committed"
        );
        // The writer is ready for more either way: no transaction was left
        // open.
        let later = store.hand_over("a later write", |db| insert(db, "later"));
        later.await.unwrap().unwrap();
        store.write("another", |db| insert(db, "after")).unwrap();
    }

    #[test]
    fn a_write_on_its_own_thread_that_fails_or_panics_is_undone_and_the_next_one_commits() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("alone.db")).unwrap();
        let refused = store.write("refused", |db| {
            insert(db, "refused")?;
            Err::<(), _>(StoreError::NotFound)
        });
        assert!(matches!(refused, Err(StoreError::NotFound)));
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            store.write("panics", |db| -> Result<(), StoreError> {
                insert(db, "panicked")?;
                panic!("a write panics after writing")
            })
        }));
        assert!(panicked.is_err());
        store.write("kept", |db| insert(db, "kept")).unwrap();
        assert_eq!(names(&store), ["kept"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_on_its_own_thread_is_not_held_back_by_a_queue_that_never_empties() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("fair.db")).unwrap());
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Hands over a write every millisecond or two, each taking five: the
        // queue only grows, so its drainer never finds it empty.
        let stream = {
            let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut answers = Vec::new();
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    n += 1;
                    let name = format!("queued {n}");
                    answers.push(store.hand_over("streaming", move |db| {
                        std::thread::sleep(Duration::from_millis(5));
                        insert(db, &name)
                    }));
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                for answer in answers {
                    answer.await.unwrap().unwrap();
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let own = {
            let store = Arc::clone(&store);
            tokio::task::spawn_blocking(move || store.write("its own", |db| insert(db, "own")))
        };
        let got_in = tokio::time::timeout(Duration::from_secs(5), own).await;
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        got_in
            .expect("the write on its own thread got the writer between groups")
            .unwrap()
            .unwrap();
        stream.await.unwrap();
        assert!(names(&store).contains(&"own".to_string()));
    }
}
