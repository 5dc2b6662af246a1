//! `Idempotency-Key` for every POST that creates or moves money (api.md): the same key from the
//! same user with the same body returns the first response (status, body and `Location`) with
//! `Idempotent-Replayed: true`; another body is 422 `idempotency_key_reused`; while the first
//! is running, 409 `idempotency_in_progress`. The response is stored in the work's own
//! transaction, so after a crash a retry either replays a committed result or runs the work
//! again — never both.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::{ScopedBoxFuture, ScopedFutureExt};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use uuid::Uuid;

use crate::db::idempotency::{self as keys, Taken};
use crate::error::{ApiError, ApiResult, Code};

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// The `Idempotency-Key` header, if sent (1–255 visible ASCII characters).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<ApiResult<IdempotencyKey>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(HEADER) else {
            return ready(Ok(IdempotencyKey(None)));
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
            .map(str::to_owned);
        ready(match key {
            Some(k) => Ok(IdempotencyKey(Some(k))),
            None => Err(ApiError::field(
                "Idempotency-Key",
                "1 to 255 visible ASCII characters",
                "từ 1 đến 255 ký tự ASCII hiển thị",
            )),
        })
    }
}

/// What to do with a request that carries a key.
pub enum Begin {
    /// Do the work; call `Claim::complete` inside its transaction.
    Proceed(Claim),
    /// The work was done before: send this stored response.
    Replay(HttpResponse),
}

/// Ownership of a key for the duration of one request (or none, when no key was sent).
pub struct Claim {
    owner: Option<(Uuid, String)>,
}

impl Claim {
    /// Stores the response in the caller's transaction.
    pub async fn complete<T: Serialize>(
        &self,
        conn: &mut AsyncPgConnection,
        status: StatusCode,
        body: &T,
    ) -> ApiResult<()> {
        self.complete_at(conn, status, body, None).await
    }

    /// Stores the response with the `Location` it answers (a 201), so a replay carries it too.
    pub async fn complete_at<T: Serialize>(
        &self,
        conn: &mut AsyncPgConnection,
        status: StatusCode,
        body: &T,
        location: Option<&str>,
    ) -> ApiResult<()> {
        if let Some((user, key)) = &self.owner {
            let json = serde_json::to_value(body).map_err(ApiError::internal)?;
            keys::complete(conn, *user, key, status.as_u16(), &json, location).await?;
        }
        Ok(())
    }

    /// The (user, key) this request owns, for work that stores its response itself.
    pub fn owner(&self) -> Option<(Uuid, &str)> {
        self.owner.as_ref().map(|(u, k)| (*u, k.as_str()))
    }

    /// Frees the key after work that did not commit, so the client may retry.
    pub async fn release(&self, conn: &mut AsyncPgConnection) {
        if let Some((user, key)) = &self.owner {
            if let Err(e) = keys::release(conn, *user, key).await {
                tracing::warn!(error = %e, "could not release an idempotency key");
            }
        }
    }
}

/// Ends work that committed in several transactions of its own (bulk creation from statement
/// lines): on success the response is stored for the key in one more transaction and sent; on
/// failure the key is freed, so a retry carries on from what committed.
pub async fn finish_in_steps<T: Serialize + Sync>(
    conn: &mut AsyncPgConnection,
    claim: Claim,
    status: StatusCode,
    result: ApiResult<T>,
) -> ApiResult<HttpResponse> {
    let body = match result {
        Ok(body) => body,
        Err(e) => {
            claim.release(conn).await;
            return Err(e);
        }
    };
    let (claim_ref, body_ref) = (&claim, &body);
    let stored = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move { claim_ref.complete(conn, status, body_ref).await }.scope_boxed()
        })
        .await;
    if let Err(e) = stored {
        claim.release(conn).await;
        return Err(e);
    }
    Ok(HttpResponse::build(status).json(body))
}

/// Claims `key` for `user`'s request whose canonical body hashes to `hash` (which includes the
/// method and path, so one key cannot be reused across endpoints).
pub async fn begin(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
) -> ApiResult<Begin> {
    let Some(key) = &key.0 else {
        return Ok(Begin::Proceed(Claim { owner: None }));
    };
    if keys::claim(conn, user, key, hash).await? {
        return Ok(Begin::Proceed(Claim {
            owner: Some((user, key.clone())),
        }));
    }
    let existing = keys::find(conn, user, key).await?.ok_or_else(|| {
        // released between our claim and this read: the client may simply retry
        ApiError::new(Code::IdempotencyInProgress)
    })?;
    answer(existing.taken(hash)).map(Begin::Replay)
}

/// The answer to a request whose key is taken: the stored response again (with
/// `Idempotent-Replayed: true` and its `Location`), or the refusal.
pub fn answer(taken: Taken) -> ApiResult<HttpResponse> {
    match taken {
        Taken::Replay {
            status,
            body,
            location,
        } => {
            let status = StatusCode::from_u16(status).map_err(ApiError::internal)?;
            let mut replay = HttpResponse::build(status);
            replay.insert_header((REPLAYED_HEADER, "true"));
            if let Some(location) = location {
                replay.insert_header((LOCATION, location));
            }
            Ok(replay.json(body))
        }
        Taken::Reused => Err(ApiError::new(Code::IdempotencyKeyReused)),
        Taken::InProgress => Err(ApiError::new(Code::IdempotencyInProgress)),
    }
}

/// The whole idempotent write in one call: claims `key`, runs `work` in one transaction that
/// also stores the response, and answers `status` with the JSON (and a `Location` when
/// `location` gives one). A replay answers the stored response; a failure frees the key so the
/// client may retry. Spending state changes (approve, pay, send, ...) all go through here.
pub async fn transact<'a, T, F, L>(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
    status: StatusCode,
    location: L,
    work: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + Sync + 'a,
    F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'r, ApiResult<T>>
        + Send
        + 'a,
    L: FnOnce(&T) -> Option<String> + Send + 'a,
{
    let claim = match begin(conn, user, key, hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let claim_ref = &claim;
    let result = conn
        .transaction::<(T, Option<String>), ApiError, _>(|conn| {
            async move {
                let value = work(conn).await?;
                let url = location(&value);
                claim_ref
                    .complete_at(conn, status, &value, url.as_deref())
                    .await?;
                Ok((value, url))
            }
            .scope_boxed()
        })
        .await;
    let (value, url) = match result {
        Ok(done) => done,
        Err(e) => {
            claim.release(conn).await;
            return Err(e);
        }
    };
    let mut response = HttpResponse::build(status);
    if let Some(url) = url {
        response.insert_header((LOCATION, url));
    }
    Ok(response.json(value))
}

/// `transact` for a write that answers 200 with its result and no `Location` (a state change:
/// approve, pay, send, void, ...).
pub async fn ok<'a, T, F>(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
    work: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + Sync + 'a,
    F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'r, ApiResult<T>>
        + Send
        + 'a,
{
    transact(conn, user, key, hash, StatusCode::OK, |_| None, work).await
}

/// `transact` for a write that answers 201 Created, with the `Location` `location` gives (if
/// any).
pub async fn created<'a, T, F, L>(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
    location: L,
    work: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + Sync + 'a,
    F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'r, ApiResult<T>>
        + Send
        + 'a,
    L: FnOnce(&T) -> Option<String> + Send + 'a,
{
    transact(conn, user, key, hash, StatusCode::CREATED, location, work).await
}
