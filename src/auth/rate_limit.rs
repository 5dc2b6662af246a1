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

    /// `true` when this attempt may proceed.
    pub fn allow(&self, username: &str, ip: &str) -> bool {
        for limiter in [&self.per_user, &self.per_ip] {
            // keep memory bounded under a username-spraying attack
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
        }
        let user_ok = self.per_user.check_key(&username.to_owned()).is_ok();
        let ip_ok = self.per_ip.check_key(&ip.to_owned()).is_ok();
        user_ok && ip_ok
    }
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
            assert!(l.allow("a", "1.1.1.1"));
        }
        assert!(!l.allow("a", "1.1.1.1"));
        assert!(l.allow("b", "1.1.1.1"));
    }

    #[test]
    fn throttles_one_address_across_usernames() {
        let l = SignInLimiter::new(100, 2);
        assert!(l.allow("a", "ip"));
        assert!(l.allow("b", "ip"));
        assert!(!l.allow("c", "ip"));
        assert!(l.allow("c", "other"));
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
