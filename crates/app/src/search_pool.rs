//! The threads searches run on: two per core, fed from one queue.
//!
//! A search is CPU work of a few milliseconds. Run with `spawn_blocking`,
//! 64 concurrent searches on 2 cores took 64 blocking threads (each with a
//! malloc arena of its own) that shared the same cores: every search took as
//! long as all of them. A semaphore in front of `spawn_blocking` bounded them
//! but left a core idle between two searches (the finishing thread wakes an
//! async task, which wakes the next, which hands its search to a blocking
//! thread). Here a search thread takes the next search off the queue itself.

use std::panic::AssertUnwindSafe;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed pool of search threads. The threads end when the pool is dropped.
pub struct SearchPool {
    jobs: crossbeam_channel::Sender<Job>,
}

impl SearchPool {
    /// A pool of `threads` threads (at least one).
    pub fn new(threads: usize) -> SearchPool {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("hao-search-{i}"))
                .spawn(move || {
                    for job in queue {
                        // A panicking search fails its own request (its
                        // answer channel is dropped), not the thread.
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                    }
                })
                .expect("cannot start a search thread");
        }
        SearchPool { jobs }
    }

    /// Two threads per core: on a machine whose cores are shared with other
    /// busy threads, one per core left searches with too small a share of the
    /// CPU (BENCHMARKS.md: 1,177 req/s with one per core, 1,504 with two,
    /// 1,391 with four, at 10,000 articles; p99 74, 55, 74 ms).
    pub fn sized_for_cores() -> SearchPool {
        SearchPool::new(2 * std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// Searches waiting for a thread.
    pub fn queued(&self) -> usize {
        self.jobs.len()
    }

    /// Runs `f` on a search thread, in arrival order; `None` when it panicked.
    /// Its time, waiting included, is `hao_search_seconds`.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let start = std::time::Instant::now();
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .ok()?;
        let out = rx.await.ok();
        metrics::histogram!("hao_search_seconds").record(start.elapsed().as_secs_f64());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panic() {
        let pool = SearchPool::new(2);
        assert_eq!(pool.run(|| 1 + 1).await, Some(2));
        assert_eq!(pool.run(|| -> i32 { panic!("boom") }).await, None);
        for i in 0..8 {
            assert_eq!(pool.run(move || i * 10).await, Some(i * 10));
        }
    }
}
