//! Work a request leaves for after its answer: what only some answers would
//! otherwise wait for (a known account's audit line, its reset email), so that
//! every answer takes as long as the others. Shutdown waits for this work as
//! it waits for requests in flight, so nothing a person asked for is dropped.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::task::JoinSet;

#[derive(Debug, Default)]
pub struct AfterAnswer {
    tasks: Mutex<JoinSet<()>>,
}

impl AfterAnswer {
    /// Runs `work` beside the answer; a failure is logged as `what`.
    pub fn spawn<E: std::fmt::Debug>(
        &self,
        what: &'static str,
        work: impl Future<Output = Result<(), E>> + Send + 'static,
    ) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        // Forget what has finished, so the set stays small.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move {
            if let Err(err) = work.await {
                tracing::warn!(error = ?err, "cannot {what}");
            }
        });
    }

    /// Waits up to `grace` for the work still running.
    pub async fn finish(&self, grace: Duration) {
        let mut tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        let all = async { while tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!(?grace, "work after answers still running; stopping it");
        }
    }
}
