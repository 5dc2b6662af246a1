//! What `doanket serve` prints on standard output once it listens (the log goes to stderr):
//! the address to open, the interactive API docs, which database it uses, and with `--demo`
//! the demonstration accounts.

use std::net::{IpAddr, SocketAddr};

/// The banner for a server bound to `bind` (its real port `port`, which differs when the
/// configured one is 0), using `database`, with the demo accounts' text when seeded.
pub fn render(bind: SocketAddr, port: u16, database: &str, demo: Option<&str>) -> String {
    let base = format!("http://{}:{port}", host_to_open(bind.ip()));
    let mut s = format!(
        "\nĐoàn Kết is serving on {base}\n  API docs:  {base}/docs\n  database:  {database}\n  \
         stop it with Ctrl-C (or SIGTERM): requests in flight are finished first\n"
    );
    if let Some(demo) = demo {
        s.push_str(demo);
    }
    s
}

/// What a browser on this machine opens: `localhost` for a wildcard or loopback bind.
fn host_to_open(ip: IpAddr) -> String {
    match ip {
        ip if ip.is_unspecified() || ip.is_loopback() => "localhost".to_owned(),
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_address_the_docs_and_the_database() {
        let text = render(
            "0.0.0.0:8080".parse().unwrap(),
            8080,
            "embedded PostgreSQL 16 in data/pg",
            Some("=== DEMO MODE ===\n"),
        );
        assert!(
            text.contains("serving on http://localhost:8080\n"),
            "{text}"
        );
        assert!(text.contains("http://localhost:8080/docs"), "{text}");
        assert!(
            text.contains("database:  embedded PostgreSQL 16 in data/pg"),
            "{text}"
        );
        assert!(text.ends_with("=== DEMO MODE ===\n"), "{text}");
    }

    #[test]
    fn a_specific_address_is_shown_as_it_is() {
        let text = render("192.168.1.5:0".parse().unwrap(), 41234, "x", None);
        assert!(text.contains("http://192.168.1.5:41234/docs"), "{text}");
        let text = render("[::]:8080".parse().unwrap(), 8080, "x", None);
        assert!(text.contains("http://localhost:8080"), "{text}");
    }
}
