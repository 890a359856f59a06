//! Rate limits on what the public writes (comments, likes, reports, API
//! writes): per
//! account and per address, in this node's memory (GCRA from `governor`:
//! a burst, then a steady rate). Several nodes each allow the rate, which
//! bounds a spammer by nodes × rate; the 禁言 and the held-comment rules are
//! in the database and hold across nodes.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A comment or a reply.
    Comment,
    /// A like (of an article or a comment) or its undoing.
    Like,
    /// A report.
    Report,
    /// Any write through the API (`POST`/`PUT`/`DELETE` with a token).
    ApiWrite,
}

impl Action {
    /// What the reader is told they did too often.
    pub fn label(self) -> &'static str {
        match self {
            Action::Comment => "发表跟帖",
            Action::Like => "点赞",
            Action::Report => "举报",
            Action::ApiWrite => "API 写入",
        }
    }
}

/// A burst and the steady rate after it: `burst` at once, then one every
/// `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

impl Rate {
    pub const fn new(burst: u32, every_secs: u64) -> Rate {
        Rate {
            burst,
            every: Duration::from_secs(every_secs),
        }
    }

    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).expect("at least 1");
        Quota::with_period(self.every.max(Duration::from_nanos(1)))
            .expect("a positive period")
            .allow_burst(burst)
    }
}

/// The rates of one node, per account and per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub comment_per_user: Rate,
    pub comment_per_addr: Rate,
    pub like_per_user: Rate,
    pub like_per_addr: Rate,
    pub report_per_user: Rate,
    pub report_per_addr: Rate,
    pub api_write_per_user: Rate,
    pub api_write_per_addr: Rate,
}

impl Default for Rates {
    /// A heated discussion is five quick comments, then one every 20 s; an
    /// office behind one address is 20 people. Likes are cheap to give but
    /// feed 热点; reports take an editor's time.
    fn default() -> Rates {
        Rates {
            comment_per_user: Rate::new(5, 20),
            comment_per_addr: Rate::new(20, 3),
            like_per_user: Rate::new(30, 2),
            like_per_addr: Rate::new(120, 1),
            report_per_user: Rate::new(5, 60),
            report_per_addr: Rate::new(20, 15),
            // A tool publishing a backlog: 120 at once, then one a second
            // (a whole archive goes through `hao import`).
            api_write_per_user: Rate::new(120, 1),
            api_write_per_addr: Rate::new(240, 1),
        }
    }
}

impl Rates {
    /// No limit worth the name: for load tests on loopback (`hao serve
    /// --no-rate-limits`), never for a public node.
    pub fn unlimited() -> Rates {
        let r = Rate {
            burst: u32::MAX,
            every: Duration::from_nanos(1),
        };
        Rates {
            comment_per_user: r,
            comment_per_addr: r,
            like_per_user: r,
            like_per_addr: r,
            report_per_user: r,
            report_per_addr: r,
            api_write_per_user: r,
            api_write_per_addr: r,
        }
    }
}

/// Refused: try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    pub action: Action,
    pub retry_after: Duration,
}

impl RateLimited {
    /// Whole seconds to wait (for `Retry-After`), at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        let s = self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0);
        s.max(1)
    }
}

struct Pair {
    user: DefaultKeyedRateLimiter<i64>,
    addr: DefaultKeyedRateLimiter<String>,
}

impl Pair {
    fn new(user: Rate, addr: Rate) -> Pair {
        Pair {
            user: DefaultKeyedRateLimiter::hashmap(user.quota()),
            addr: DefaultKeyedRateLimiter::hashmap(addr.quota()),
        }
    }
}

/// This node's limiters.
pub struct Limits {
    clock: DefaultClock,
    comment: Pair,
    like: Pair,
    report: Pair,
    api_write: Pair,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(Rates::default())
    }
}

impl Limits {
    pub fn new(r: Rates) -> Limits {
        Limits {
            clock: DefaultClock::default(),
            comment: Pair::new(r.comment_per_user, r.comment_per_addr),
            like: Pair::new(r.like_per_user, r.like_per_addr),
            report: Pair::new(r.report_per_user, r.report_per_addr),
            api_write: Pair::new(r.api_write_per_user, r.api_write_per_addr),
        }
    }

    /// Counts one `action` by `user` from `addr`, or says how long to wait.
    pub fn check(&self, action: Action, user: i64, addr: &str) -> Result<(), RateLimited> {
        let pair = match action {
            Action::Comment => &self.comment,
            Action::Like => &self.like,
            Action::Report => &self.report,
            Action::ApiWrite => &self.api_write,
        };
        let refused = |wait: Duration| RateLimited {
            action,
            retry_after: wait,
        };
        pair.user
            .check_key(&user)
            .map_err(|n| refused(n.wait_time_from(self.clock.now())))?;
        pair.addr
            .check_key(&addr.to_owned())
            .map_err(|n| refused(n.wait_time_from(self.clock.now())))?;
        Ok(())
    }

    /// Forgets the keys that would be allowed a full burst again (memory
    /// stays bounded by the keys active in one refill period).
    pub fn forget_idle(&self) {
        for pair in [&self.comment, &self.like, &self.report, &self.api_write] {
            pair.user.retain_recent();
            pair.addr.retain_recent();
            pair.user.shrink_to_fit();
            pair.addr.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refused_with_a_wait() {
        let limits = Limits::new(Rates {
            comment_per_user: Rate::new(2, 60),
            ..Rates::default()
        });
        assert!(limits.check(Action::Comment, 1, "a").is_ok());
        assert!(limits.check(Action::Comment, 1, "a").is_ok());
        let refused = limits.check(Action::Comment, 1, "a").unwrap_err();
        assert!(
            (50..=60).contains(&refused.retry_after_secs()),
            "{refused:?}"
        );
        // Another account, another action: their own budgets.
        assert!(limits.check(Action::Comment, 2, "a").is_ok());
        assert!(limits.check(Action::Like, 1, "a").is_ok());
    }

    #[test]
    fn one_address_is_limited_across_accounts() {
        let limits = Limits::new(Rates {
            report_per_addr: Rate::new(3, 60),
            ..Rates::default()
        });
        for user in 1..=3 {
            assert!(limits.check(Action::Report, user, "10.0.0.1").is_ok());
        }
        assert!(limits.check(Action::Report, 4, "10.0.0.1").is_err());
        assert!(limits.check(Action::Report, 4, "10.0.0.2").is_ok());
    }
}
