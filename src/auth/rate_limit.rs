//! Sign-in throttling per username and per client address, and throttling of the public pages
//! per client address (in memory, per replica).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

pub struct SignInLimiter {
    per_user: Keyed,
    per_ip: Keyed,
}

impl SignInLimiter {
    pub fn new(per_minute_per_user: u32, per_minute_per_ip: u32) -> Self {
        let quota =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("max(1) is non-zero"));
        SignInLimiter {
            per_user: RateLimiter::keyed(quota(per_minute_per_user)),
            per_ip: RateLimiter::keyed(quota(per_minute_per_ip)),
        }
    }

    /// `Ok` when this attempt may proceed, else how long until both the username and the
    /// address may try again.
    pub fn check(&self, username: &str, ip: &str) -> Result<(), Duration> {
        for limiter in [&self.per_user, &self.per_ip] {
            // keep memory bounded under a username-spraying attack
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
        }
        // both are asked, so an attempt counts against each even when the other refuses
        let user = wait(&self.per_user, username);
        let ip = wait(&self.per_ip, ip);
        match user.max(ip) {
            None => Ok(()),
            Some(longest) => Err(longest),
        }
    }
}

/// `None` when `key` may go now, else how long until it may.
fn wait(limiter: &Keyed, key: &str) -> Option<Duration> {
    limiter
        .check_key(&key.to_owned())
        .err()
        .map(|not_until| not_until.wait_time_from(limiter.clock().now()))
}

/// `Retry-After` in whole seconds, rounded up, so a client that waits that long gets through.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The public pages (no token): requests per minute per client address.
pub struct PublicLimiter {
    per_ip: Keyed,
}

impl PublicLimiter {
    pub fn new(per_minute_per_ip: u32) -> Self {
        let quota = Quota::per_minute(
            NonZeroU32::new(per_minute_per_ip.max(1)).expect("max(1) is non-zero"),
        );
        PublicLimiter {
            per_ip: RateLimiter::keyed(quota),
        }
    }

    /// `Ok` when this request may proceed, else how long until the address may ask again.
    pub fn check(&self, ip: &str) -> Result<(), Duration> {
        // keep memory bounded when many addresses come by
        if self.per_ip.len() > 100_000 {
            self.per_ip.retain_recent();
        }
        self.per_ip
            .check_key(&ip.to_owned())
            .map_err(|not_until| not_until.wait_time_from(self.per_ip.clock().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_one_username_but_not_another() {
        let l = SignInLimiter::new(3, 100);
        for _ in 0..3 {
            assert!(l.check("a", "1.1.1.1").is_ok());
        }
        assert!(l.check("a", "1.1.1.1").is_err());
        assert!(l.check("b", "1.1.1.1").is_ok());
    }

    #[test]
    fn throttles_one_address_across_usernames() {
        let l = SignInLimiter::new(100, 2);
        assert!(l.check("a", "ip").is_ok());
        assert!(l.check("b", "ip").is_ok());
        assert!(l.check("c", "ip").is_err());
        assert!(l.check("c", "other").is_ok());
    }

    #[test]
    fn the_wait_is_until_the_next_attempt_frees() {
        // 10 a minute: one attempt frees every 6 s
        let l = SignInLimiter::new(10, 100);
        for _ in 0..10 {
            assert!(l.check("a", "ip").is_ok());
        }
        let wait = l.check("a", "ip").unwrap_err();
        assert!(
            wait > Duration::from_secs(5) && wait <= Duration::from_secs(6),
            "{wait:?}"
        );
        assert_eq!(retry_after_seconds(wait), 6);
    }

    #[test]
    fn seconds_are_rounded_up() {
        assert_eq!(retry_after_seconds(Duration::from_millis(5_001)), 6);
        assert_eq!(retry_after_seconds(Duration::from_secs(6)), 6);
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
    }

    #[test]
    fn public_pages_are_throttled_per_address() {
        let l = PublicLimiter::new(2);
        assert!(l.check("ip").is_ok());
        assert!(l.check("ip").is_ok());
        let wait = l.check("ip").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert!(l.check("other").is_ok());
    }
}
