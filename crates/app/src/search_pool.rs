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
    /// Searches running or queued.
    busy: std::sync::Arc<std::sync::atomic::AtomicUsize>,
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
        SearchPool {
            jobs,
            busy: Default::default(),
        }
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
    /// When no other search is running or waiting, `f` runs on the calling
    /// thread instead (`block_in_place`: the runtime moves its other tasks
    /// to another thread): one search at a time then pays no hand-off to a
    /// search thread and back (measured: c = 1 median p50 0.474–0.504 →
    /// 0.449–0.458 ms, BENCHMARKS.md). Its time, waiting included, is
    /// `hao_search_seconds`.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let start = std::time::Instant::now();
        let busy = Busy::enter(&self.busy);
        let out = if busy.alone
            && tokio::runtime::Handle::current().runtime_flavor()
                == tokio::runtime::RuntimeFlavor::MultiThread
        {
            tokio::task::block_in_place(|| std::panic::catch_unwind(AssertUnwindSafe(f)).ok())
        } else {
            let (tx, rx) = tokio::sync::oneshot::channel();
            self.jobs
                .send(Box::new(move || {
                    let out = f();
                    // Counted out before the answer is seen.
                    drop(busy);
                    let _ = tx.send(out);
                }))
                .ok()?;
            rx.await.ok()
        };
        metrics::histogram!("hao_search_seconds").record(start.elapsed().as_secs_f64());
        out
    }

    /// Searches running or waiting.
    pub fn busy(&self) -> usize {
        self.busy.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// One search counted in [`SearchPool::busy`] until dropped (also when it
/// panics, or its job is never run).
struct Busy {
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// No other search was running or waiting when this one came.
    alone: bool,
}

impl Busy {
    fn enter(count: &std::sync::Arc<std::sync::atomic::AtomicUsize>) -> Busy {
        let before = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Busy {
            count: count.clone(),
            alone: before == 0,
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.count.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
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
        assert_eq!(pool.busy(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_search_alone_runs_on_the_calling_thread() {
        let pool = SearchPool::new(2);
        let caller = std::thread::current().id();
        assert_eq!(
            pool.run(move || std::thread::current().id() == caller)
                .await,
            Some(true)
        );
        assert_eq!(pool.run(|| -> i32 { panic!("boom") }).await, None);
        assert_eq!(pool.busy(), 0);
        // Searches at once: the pool's threads take those that find one
        // running, and every one is answered.
        let pool = std::sync::Arc::new(pool);
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let first = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(move || hold.recv().is_ok()).await })
        };
        while pool.busy() == 0 {
            tokio::task::yield_now().await;
        }
        let others: Vec<_> = (0..4)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    pool.run(|| std::thread::current().name().map(str::to_owned))
                        .await
                })
            })
            .collect();
        for other in others {
            let name = other.await.unwrap().unwrap().unwrap();
            assert!(name.starts_with("hao-search-"), "{name}");
        }
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Some(true));
        assert_eq!(pool.busy(), 0);
    }
}
