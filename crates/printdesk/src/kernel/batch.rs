//! Group commit: documents saved at the same moment are written together, in one transaction.
//!
//! The counter's hot path (a new order) is one short write transaction per document, and every
//! such transaction queues for the same things: SQLite's single write lock, and on both backends
//! the row of the day's order-number sequence. Written one by one, each document pays a full
//! transaction of statements (on SQLite each statement a hand-off to the connection's thread),
//! and the queue, not the work, sets the pace (docs/performance.md, order save).
//!
//! A [`BatchJob`] kind instead has one writer task per database. A job waits in its channel;
//! the writer takes every job that is waiting (up to [`MAX_BATCH`]) and writes them with one
//! multi-row statement per table in one transaction, then answers each caller. An idle shop sees
//! no difference: a lone job is a batch of one, written at once.
//!
//! Nothing is lost or mixed up by batching: the job kind answers per job, so a job its rules
//! refuse (a customer deleted a moment ago) fails alone; when the database refuses the batch as a
//! whole, it is rolled back and each job is written again in a transaction of its own, so one bad
//! job never fails the others and every caller gets its own answer.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use tokio::sync::{mpsc, oneshot};

use super::db::{Db, Tx};
use super::error::{AppError, AppResult};

/// Most jobs in one transaction: enough for every clerk of a large chain saving at once, few
/// enough that one transaction stays short.
pub const MAX_BATCH: usize = 64;

/// The future a [`BatchJob`] returns.
pub type BatchFuture<'a, T> =
    Pin<Box<dyn Future<Output = AppResult<Vec<AppResult<T>>>> + Send + 'a>>;

/// A kind of document written in batches.
pub trait BatchJob: Send + Sync + Sized + 'static {
    /// What each caller gets back (the new document's id).
    type Output: Send + 'static;

    /// Writes `jobs` inside `tx` and returns one result per job, in order. A job its rules refuse
    /// gets its own `Err` and writes nothing; an `Err` of the whole call rolls the batch back.
    fn write<'a>(db: &'a Db, tx: &'a mut Tx, jobs: &'a [Self]) -> BatchFuture<'a, Self::Output>;
}

/// One job with the database it is for and where its answer goes.
struct Pending<J: BatchJob> {
    db: Db,
    job: J,
    reply: oneshot::Sender<AppResult<J::Output>>,
}

/// The writer channel of each job kind of one database.
#[derive(Default)]
pub struct Batchers {
    senders: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Batchers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batchers").finish_non_exhaustive()
    }
}

/// Writes `job` together with whatever other jobs of its kind are waiting, and returns its result.
pub async fn write<J: BatchJob>(db: &Db, job: J) -> AppResult<J::Output> {
    let (reply, answer) = oneshot::channel();
    let mut pending = Pending {
        db: db.clone(),
        job,
        reply,
    };
    // A writer task dies with the runtime that started it (a test's runtime, say); the job then
    // comes back from the closed channel and a new writer is started here.
    for _ in 0..2 {
        let sender = db.batchers().sender::<J>();
        match sender.send(pending) {
            Ok(()) => {
                return answer.await.unwrap_or_else(|_| {
                    Err(AppError::Internal(anyhow::anyhow!(
                        "the batch writer stopped before answering"
                    )))
                });
            }
            Err(mpsc::error::SendError(back)) => {
                db.batchers().forget::<J>();
                pending = back;
            }
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "the batch writer could not be started"
    )))
}

impl Batchers {
    fn sender<J: BatchJob>(&self) -> mpsc::UnboundedSender<Pending<J>> {
        let mut senders = self
            .senders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(sender) = senders
            .get(&TypeId::of::<J>())
            .and_then(|any| any.downcast_ref::<mpsc::UnboundedSender<Pending<J>>>())
            && !sender.is_closed()
        {
            return sender.clone();
        }
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(writer(receiver));
        senders.insert(TypeId::of::<J>(), Box::new(sender.clone()));
        sender
    }

    fn forget<J: BatchJob>(&self) {
        self.senders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&TypeId::of::<J>());
    }
}

/// The writer of one job kind: takes what is waiting, writes it, answers, repeats. It holds no
/// `Db` between batches, so it ends when the database's last handle (and with it the sender) is
/// dropped.
async fn writer<J: BatchJob>(mut receiver: mpsc::UnboundedReceiver<Pending<J>>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let db = batch[0].db.clone();
        let (jobs, replies): (Vec<J>, Vec<_>) = batch
            .into_iter()
            .map(|pending| (pending.job, pending.reply))
            .unzip();
        // Its own task, so a panic in one batch answers that batch with an error and the writer
        // goes on.
        let results = tokio::spawn(write_all(db, jobs))
            .await
            .unwrap_or_else(|err| {
                (0..replies.len())
                    .map(|_| {
                        Err(AppError::Internal(anyhow::anyhow!(
                            "batch write failed: {err}"
                        )))
                    })
                    .collect()
            });
        for (reply, result) in replies.into_iter().zip(results) {
            // The caller may have gone (a closed connection); its document is saved regardless.
            let _ = reply.send(result);
        }
    }
}

/// One transaction for the batch; when it fails, one for each job.
async fn write_all<J: BatchJob>(db: Db, jobs: Vec<J>) -> Vec<AppResult<J::Output>> {
    match write_in_one(&db, &jobs).await {
        Ok(results) => results,
        Err(err) if jobs.len() == 1 => vec![Err(err)],
        Err(err) => {
            tracing::warn!(jobs = jobs.len(), error = %err, "batch refused; writing its jobs one by one");
            let mut results = Vec::with_capacity(jobs.len());
            for job in &jobs {
                let result = match write_in_one(&db, std::slice::from_ref(job)).await {
                    Ok(mut one) => one.pop().unwrap_or_else(|| {
                        Err(AppError::Internal(anyhow::anyhow!(
                            "a batch job gave no result"
                        )))
                    }),
                    Err(err) => Err(err),
                };
                results.push(result);
            }
            results
        }
    }
}

async fn write_in_one<J: BatchJob>(db: &Db, jobs: &[J]) -> AppResult<Vec<AppResult<J::Output>>> {
    let started = std::time::Instant::now();
    let mut tx = db.begin_write().await?;
    let results = J::write(db, &mut tx, jobs).await?;
    if results.len() != jobs.len() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a batch of {} jobs gave {} results",
            jobs.len(),
            results.len()
        )));
    }
    tx.commit().await?;
    tracing::debug!(
        jobs = jobs.len(),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "batch written"
    );
    Ok(results)
}
