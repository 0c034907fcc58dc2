//! Group commit (`kernel::batch`): jobs waiting together are written in one transaction, and a
//! batch the database refuses is written again job by job, so only the bad job fails.

use std::sync::Mutex;
use std::time::Duration;

use printdesk::kernel::batch::{self, BatchFuture, BatchJob};
use printdesk::kernel::db::{Db, Tx};
use printdesk::kernel::error::AppError;

use crate::backend_tests;
use crate::harness::{Backend, spawn_app};

/// Batch sizes seen by `Note::write`, per test database (tests run in parallel).
static SIZES: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());

/// Writes one row of `form_submissions` (a table with no foreign keys) per job; a job whose
/// nonce repeats an earlier one breaks the primary key and with it the whole batch. The first
/// job of a run holds the writer a moment, so the others queue behind it and form one batch.
struct Note {
    run: String,
    nonce: String,
    hold: bool,
}

impl BatchJob for Note {
    type Output = String;

    fn write<'a>(_db: &'a Db, tx: &'a mut Tx, jobs: &'a [Self]) -> BatchFuture<'a, String> {
        Box::pin(async move {
            SIZES
                .lock()
                .unwrap()
                .push((jobs[0].run.clone(), jobs.len()));
            if jobs.iter().any(|job| job.hold) {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            for job in jobs {
                sqlx::query(
                    "insert into form_submissions (nonce, user_id, location, created_at) values ($1, null, 'x', 'now')",
                )
                .bind(&job.nonce)
                .execute(&mut **tx)
                .await
                .map_err(AppError::from)?;
            }
            Ok(jobs.iter().map(|job| Ok(job.nonce.clone())).collect())
        })
    }
}

async fn a_refused_batch_is_written_job_by_job(backend: Backend) {
    let app = spawn_app(backend).await;
    let run = format!("{:016x}", rand::random::<u64>());
    let note = |nonce: &str, hold: bool| Note {
        run: run.clone(),
        nonce: format!("{run}-{nonce}"),
        hold,
    };
    let first = tokio::spawn({
        let db = app.db.clone();
        let job = note("first", true);
        async move { batch::write(&db, job).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Queued while the first holds the writer: one good, one repeating the first, one good.
    let mut queued = Vec::new();
    for nonce in ["a", "first", "b"] {
        let db = app.db.clone();
        let job = note(nonce, false);
        queued.push(tokio::spawn(async move { batch::write(&db, job).await }));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(first.await.unwrap().unwrap(), format!("{run}-first"));
    let mut results = Vec::new();
    for handle in queued {
        results.push(handle.await.unwrap());
    }
    assert_eq!(results[0].as_deref().unwrap(), format!("{run}-a"));
    assert!(results[1].is_err(), "the repeated key must fail alone");
    assert_eq!(results[2].as_deref().unwrap(), format!("{run}-b"));
    let written = app
        .count("select count(*) from form_submissions where location = 'x'")
        .await;
    assert_eq!(written, 3, "first, a and b are written; the repeat is not");
    let sizes: Vec<usize> = SIZES
        .lock()
        .unwrap()
        .iter()
        .filter(|(r, _)| *r == run)
        .map(|(_, n)| *n)
        .collect();
    // The lone first job, the three queued ones together (refused), then each alone.
    assert_eq!(sizes, vec![1, 3, 1, 1, 1]);
}

backend_tests!(a_refused_batch_is_written_job_by_job);
