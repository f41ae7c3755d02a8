//! WAL checkpoints off the writer's thread (docs/architecture.md "The write path"). SQLite's
//! automatic checkpoint runs inside the commit that crosses 1 000 WAL pages, on the writer:
//! it copies the pages into the database file and syncs it, and every caller of that batch
//! (and of the batches queued behind it) waits — the p99 of the write benchmark was these
//! stalls (BENCHMARKS.md, issue 15). Here the writer turns the automatic checkpoint off and a
//! thread of its own runs `PASSIVE` checkpoints, which never block the writer or a reader,
//! whenever the writer has committed a while, and at least once a second.
//!
//! A passive checkpoint never empties the WAL under steady load: the file restarts from its
//! start only when a write begins with every frame copied back, and commits keep landing
//! while the checkpoint runs. So once the WAL has grown past [`RESTART_FRAMES`] the
//! checkpointer asks the writer to restart it itself, between two batches: most frames are
//! copied back by then, so the writer's `RESTART` checkpoint is short, and the WAL stays
//! bounded (measured: 900 MB after 15 s of writes without it).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crate::domain::DomainError;

use super::errors::lite_error;

/// Commits between two nudges of the checkpointer.
pub(crate) const COMMITS_PER_CHECKPOINT: u64 = 32;

/// WAL frames (pages) past which the writer restarts the WAL: about 32 MB of 4 KiB pages.
const RESTART_FRAMES: i64 = 8192;

/// The checkpointer's handles, kept by the writer.
pub(crate) struct Checkpoints {
    nudge: mpsc::SyncSender<()>,
    restart: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpoints {
    /// After a commit: every [`COMMITS_PER_CHECKPOINT`] commits, a passive checkpoint.
    pub(crate) fn committed(&self, commits: u64) {
        if commits % COMMITS_PER_CHECKPOINT == 0 {
            // Full: a nudge is pending already.
            let _ = self.nudge.try_send(());
        }
    }

    /// Between batches, on the writer's connection: restarts the WAL when it has grown.
    pub(crate) fn restart_if_asked(&self, conn: &rusqlite::Connection) {
        if self.restart.swap(false, Ordering::AcqRel) {
            if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())) {
                tracing::warn!(%error, "WAL restart failed; asked again at the next checkpoint");
            }
        }
    }

    /// Stops the checkpointer and waits for its last checkpoint and its connection's close.
    pub(crate) fn finish(self) {
        let Checkpoints { nudge, thread, .. } = self;
        drop(nudge);
        if thread.join().is_err() {
            tracing::warn!("the WAL checkpointer panicked");
        }
    }
}

/// Opens the checkpointer's connection to `path` and starts its thread; it ends, after a
/// last checkpoint, when the returned sender is dropped.
pub(crate) fn start(path: &str, busy: Duration) -> Result<Checkpoints, DomainError> {
    let conn = rusqlite::Connection::open(path).map_err(lite_error)?;
    conn.busy_timeout(busy).map_err(lite_error)?;
    let (nudge, nudged) = mpsc::sync_channel::<()>(1);
    let restart = Arc::new(AtomicBool::new(false));
    let ask = restart.clone();
    let thread = std::thread::Builder::new()
        .name("sqlite-checkpoint".to_owned())
        .spawn(move || {
            // A nudge, or a second without one; the writer gone ends it.
            while let Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) =
                nudged.recv_timeout(Duration::from_secs(1))
            {
                if checkpoint(&conn) > RESTART_FRAMES {
                    ask.store(true, Ordering::Release);
                }
            }
            checkpoint(&conn);
        })
        .map_err(DomainError::internal)?;
    Ok(Checkpoints {
        nudge,
        restart,
        thread,
    })
}

/// A passive checkpoint; the WAL's length in frames after it (0 when unknown).
fn checkpoint(conn: &rusqlite::Connection) -> i64 {
    // (busy, WAL frames, frames checkpointed): a busy or partial checkpoint is retried at
    // the next nudge; readers still on older frames only delay it.
    match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        row.get::<_, i64>(1)
    }) {
        Ok(frames) => frames,
        Err(error) => {
            tracing::warn!(%error, "WAL checkpoint failed; retried at the next one");
            0
        }
    }
}
