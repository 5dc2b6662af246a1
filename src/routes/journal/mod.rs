//! The journal of a fund: entries with their postings, manual entries by the finance officer,
//! and reversing entries (`app::journal`). The database holds the invariants; the commands check
//! what they can first, so a client gets a precise field error rather than a bare rule violation.

pub mod create;
pub mod get;
pub mod list;
pub mod reverse;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list)
        .service(create::create)
        .service(get::get)
        .service(reverse::reverse);
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use uuid::Uuid;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let c = crate::pagination::encode(&crate::pagination::cursor_key(d, 42i64));
        assert_eq!(
            crate::pagination::decode_cursor::<i64>(Some(&c)).unwrap(),
            Some((d, 42))
        );
        assert!(crate::pagination::decode_cursor::<Uuid>(Some(&c)).is_err());
        assert!(
            crate::pagination::decode_cursor::<i64>(Some(&crate::pagination::encode("2026-03-01")))
                .is_err()
        );
    }
}
