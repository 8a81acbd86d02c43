//! The one writer, and group commit: a write that finds others queued
//! behind it leaves its transaction open for them, and the last of the
//! group commits all of them at once (with one fsync under
//! `--durability power-loss`). Each write but a transaction's first runs in
//! a savepoint of its own, so one that fails is undone alone; none is
//! answered before the commit that makes it durable.

use super::{SqliteStore, StoreError, lock, run_cached};
use rusqlite::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// The most writes one commit takes. More would only make the first of
/// them wait longer for its answer.
const MOST_WRITES_PER_COMMIT: usize = 64;

/// The one writer connection, and the group of writes its open transaction
/// holds, if any.
pub(super) struct Writer {
    state: Mutex<WriterState>,
    /// Writes waiting for the writer: while any wait, a write leaves the
    /// transaction open for them to join.
    queued: AtomicUsize,
}

struct WriterState {
    connection: Connection,
    /// The group in the open transaction, and how many writes it holds.
    open: Option<(Arc<Group>, usize)>,
}

/// Writes committed together. Each waits on its group, not on the writer,
/// so that the writes of a group, woken together, do not then queue for the
/// writer behind the next group's.
#[derive(Default)]
struct Group {
    /// How the commit went: set once, when it is over.
    outcome: Mutex<Option<Result<(), String>>>,
    /// Signalled when the outcome is set.
    settled: Condvar,
}

impl Group {
    /// Sets the outcome and wakes the group's writes.
    fn settle(&self, outcome: Result<(), String>) {
        *lock(&self.outcome) = Some(outcome);
        self.settled.notify_all();
    }

    /// Waits for the group's commit to be over, and says how it went.
    fn outcome(&self) -> Result<(), String> {
        let mut outcome = lock(&self.outcome);
        loop {
            if let Some(settled) = outcome.as_ref() {
                return settled.clone();
            }
            outcome = self
                .settled
                .wait(outcome)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

impl Writer {
    /// The writer of `connection`, with no transaction open.
    pub(super) fn new(connection: Connection) -> Writer {
        Writer {
            state: Mutex::new(WriterState {
                connection,
                open: None,
            }),
            queued: AtomicUsize::new(0),
        }
    }
}

impl SqliteStore {
    /// Runs `work` on the writer inside a `BEGIN IMMEDIATE` transaction
    /// (in a savepoint of its own, unless it is the transaction's first),
    /// and answers once the transaction has committed; an error (or a
    /// panic) in `work` undoes its own changes only. The transaction may
    /// hold other writes, committed with this one (group commit); if the
    /// commit fails, every write in it fails. `what` names it in the log.
    pub(super) fn write<T>(
        &self,
        what: &str,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let writer = &self.writer;
        writer.queued.fetch_add(1, Ordering::SeqCst);
        let mut state = lock(&writer.state);
        writer.queued.fetch_sub(1, Ordering::SeqCst);
        let context = |error: StoreError| error.context(what);
        let group = match &mut state.open {
            Some((group, writes)) => {
                *writes += 1;
                Arc::clone(group)
            }
            None => {
                state
                    .connection
                    .prepare_cached("BEGIN IMMEDIATE")
                    .and_then(|mut begin| begin.execute([]))
                    .map_err(|error| context(error.into()))?;
                let group = Arc::new(Group::default());
                state.open = Some((Arc::clone(&group), 1));
                group
            }
        };
        let writes = state.open.as_ref().map_or(0, |(_, writes)| *writes);
        let (result, sound) = if writes == 1 {
            // The first of its group needs no savepoint: no other write
            // joins before it is done, so if it fails, the transaction is
            // rolled back with nothing else in it.
            let ran = catch_unwind(AssertUnwindSafe(|| work(&state.connection)));
            if !matches!(ran, Ok(Ok(_))) {
                if !state.connection.is_autocommit() {
                    let _ = run_cached(&state.connection, "ROLLBACK");
                }
                finish(&mut state, &group, Ok(()));
                drop(state);
                return ran
                    .unwrap_or_else(|panic| resume_unwind(panic))
                    .map_err(context);
            }
            let sound = !state.connection.is_autocommit();
            (ran, sound)
        } else {
            run_in_savepoint(&state.connection, work)
        };
        if !sound {
            // The transaction is not what the savepoints say (SQLite rolled
            // it back, or a savepoint statement failed): the whole group
            // fails.
            if !state.connection.is_autocommit() {
                let _ = state.connection.execute_batch("ROLLBACK");
            }
            finish(&mut state, &group, Err("the transaction was lost".into()));
        } else if writer.queued.load(Ordering::SeqCst) > 0 && writes < MOST_WRITES_PER_COMMIT {
            // Others are queued: they join this transaction, and the last to
            // join commits it; this write waits for that (below).
        } else {
            let committed = run_cached(&state.connection, "COMMIT");
            if committed.is_err() && !state.connection.is_autocommit() {
                let _ = state.connection.execute_batch("ROLLBACK");
            }
            finish(
                &mut state,
                &group,
                committed.map_err(|error| error.to_string()),
            );
        }
        drop(state);
        let outcome = group.outcome();
        let result = result.unwrap_or_else(|panic| resume_unwind(panic));
        match outcome {
            Ok(()) => result.map_err(context),
            Err(error) => Err(context(StoreError::Internal(format!(
                "committing: {error}"
            )))),
        }
    }
}

/// What one write came to: its result, or its panic (resumed once its
/// group is settled).
type Ran<T> = Result<Result<T, StoreError>, Box<dyn std::any::Any + Send>>;

/// Runs `work` in a savepoint on the writer's open transaction: released if
/// `work` succeeds, rolled back if it fails or panics. Answers what `work`
/// came to, and whether the transaction is still sound for the rest of its
/// group.
fn run_in_savepoint<T>(
    connection: &Connection,
    work: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> (Ran<T>, bool) {
    if let Err(error) = run_cached(connection, "SAVEPOINT write") {
        return (Ok(Err(error.into())), false);
    }
    let ran = catch_unwind(AssertUnwindSafe(|| work(connection)));
    let kept = match &ran {
        Ok(Ok(_)) => run_cached(connection, "RELEASE write"),
        _ => run_cached(connection, "ROLLBACK TO write")
            .and_then(|()| run_cached(connection, "RELEASE write")),
    };
    // SQLite rolls a whole transaction back on some errors (a full disk,
    // an I/O error); the group's other writes are gone then too.
    let sound = kept.is_ok() && !connection.is_autocommit();
    (ran, sound)
}
/// Ends the open group with `outcome`, for its writes to answer.
fn finish(state: &mut WriterState, group: &Group, outcome: Result<(), String>) {
    state.open = None;
    group.settle(outcome);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn writes_committed_together_keep_each_ones_outcome_a_refusal_or_panic_undoing_only_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("group.db")).unwrap();
        let writes = 48;
        let answers: Vec<_> = std::thread::scope(|scope| {
            let store = &store;
            let running: Vec<_> = (0..writes)
                .map(|n| {
                    scope.spawn(move || {
                        store.write("a test write", |db| {
                            db.prepare_cached("INSERT INTO practice (name) VALUES (?1)")?
                                .execute([n.to_string()])?;
                            // Long enough for others to queue behind it.
                            std::thread::sleep(Duration::from_millis(2));
                            match n % 6 {
                                0 => Err(StoreError::NotFound),
                                3 => panic!("write {n} panics after writing"),
                                _ => Ok(n),
                            }
                        })
                    })
                })
                .collect();
            running.into_iter().map(|write| write.join()).collect()
        });
        for (n, answer) in answers.iter().enumerate() {
            match n % 6 {
                0 => assert!(matches!(answer, Ok(Err(StoreError::NotFound))), "{n}"),
                3 => assert!(answer.is_err(), "write {n} panicked"),
                _ => assert!(matches!(answer, Ok(Ok(m)) if *m == n), "{n}"),
            }
        }
        let mut kept: Vec<usize> = store
            .read("reading back", |db| {
                db.prepare("SELECT name FROM practice")?
                    .query_map([], |row| row.get::<_, String>(0))?
                    .map(|name| Ok(name?.parse::<usize>().unwrap()))
                    .collect()
            })
            .unwrap();
        kept.sort_unstable();
        let expected: Vec<usize> = (0..writes).filter(|n| n % 3 != 0).collect();
        assert_eq!(
            kept, expected,
            "exactly the writes that succeeded were committed"
        );
        // The writer is ready for more: no transaction was left open.
        assert!(lock(&store.writer.state).open.is_none());
        store
            .write("another", |db| {
                Ok(db.prepare_cached("DELETE FROM practice")?.execute([])?)
            })
            .unwrap();
    }

    #[test]
    fn a_write_alone_in_its_transaction_that_fails_or_panics_is_undone_and_the_next_one_commits() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("alone.db")).unwrap();
        let insert = |db: &Connection, name: &str| -> Result<(), StoreError> {
            db.prepare_cached("INSERT INTO practice (name) VALUES (?1)")?
                .execute([name])?;
            Ok(())
        };
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
        let names: Vec<String> = store
            .read("reading back", |db| {
                Ok(db
                    .prepare("SELECT name FROM practice")?
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert_eq!(names, ["kept"]);
        assert!(lock(&store.writer.state).open.is_none());
    }
}
