//! Keyset pagination: `?limit=` (default 50, at most 500) and an opaque `?cursor=` that encodes
//! the last key seen, so pages stay stable while new rows arrive.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// The query of a listing that takes nothing but its page (`?limit=&cursor=`).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page of a listing that covers nothing (no fund in scope).
    pub fn empty() -> Page<T> {
        Page {
            items: vec![],
            next_cursor: None,
        }
    }
}

/// `?limit=` and an id cursor, parsed once: how many rows a listing fetches, after which id, and
/// how the rows it got become a page.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub limit: i64,
    /// The last id of the previous page.
    pub after: Option<uuid::Uuid>,
}

impl Window {
    /// The window of a listing in id order.
    pub fn by_id(requested: Option<i64>, cursor: Option<&str>) -> ApiResult<Window> {
        Ok(Window {
            limit: limit(requested)?,
            after: decode_uuid(cursor)?,
        })
    }

    /// How many rows to fetch: one more than a page, to learn whether there is another.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// The page of `rows` (fetched with [`Window::fetch`]), its cursor the last row's `id`.
    pub fn page<R, T, K: std::fmt::Display>(
        &self,
        rows: Vec<R>,
        id: impl Fn(&R) -> K,
        view: impl Fn(R) -> T,
    ) -> Page<T> {
        page(rows, self.limit, |r| id(r).to_string(), view)
    }
}

pub fn limit(requested: Option<i64>) -> ApiResult<i64> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::field(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
            format!("limit phải từ 1 đến {MAX_LIMIT}"),
        )),
    }
}

pub fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

pub fn decode(cursor: Option<&str>) -> ApiResult<Option<String>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map(Some)
        .ok_or_else(|| ApiError::field("cursor", "invalid cursor", "cursor không hợp lệ"))
}

pub fn decode_uuid(cursor: Option<&str>) -> ApiResult<Option<uuid::Uuid>> {
    decode(cursor)?
        .map(|s| {
            s.parse()
                .map_err(|_| ApiError::field("cursor", "invalid cursor", "cursor không hợp lệ"))
        })
        .transpose()
}

/// Builds a page from `rows` fetched with `limit + 1`: the extra row only says "there is more".
pub fn page<R, T>(
    mut rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> String,
    view: impl Fn(R) -> T,
) -> Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| encode(&key(r)))
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    }
}

/// The key of a keyset cursor on `(effective_date, id)`: `YYYY-MM-DD|id` (`pagination::page`
/// encodes it).
pub fn cursor_key(date: chrono::NaiveDate, id: impl std::fmt::Display) -> String {
    format!("{date}|{id}")
}

pub fn decode_cursor<T: std::str::FromStr>(
    cursor: Option<&str>,
) -> ApiResult<Option<(chrono::NaiveDate, T)>> {
    let invalid = || ApiError::field("cursor", "invalid cursor", "cursor không hợp lệ");
    decode(cursor)?
        .map(|s| {
            let (date, id) = s.split_once('|').ok_or_else(invalid)?;
            let date =
                chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| invalid())?;
            let id = id.parse::<T>().map_err(|_| invalid())?;
            Ok((date, id))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(limit(None).unwrap(), 50);
        assert_eq!(limit(Some(500)).unwrap(), 500);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(501)).is_err());
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(
            decode(Some(&encode("06001"))).unwrap().as_deref(),
            Some("06001")
        );
        assert!(decode(Some("!!!")).is_err());
        assert!(decode_uuid(Some(&encode("nope"))).is_err());
    }

    #[test]
    fn page_sets_the_cursor_only_when_more_rows_exist() {
        let p = page(vec![1, 2, 3], 2, |r| r.to_string(), |r| r);
        assert_eq!(p.items, [1, 2]);
        assert_eq!(
            decode(p.next_cursor.as_deref()).unwrap().as_deref(),
            Some("2")
        );
        let last = page(vec![1, 2], 2, |r| r.to_string(), |r| r);
        assert!(last.next_cursor.is_none());
    }
}
