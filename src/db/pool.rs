//! deadpool pools of diesel-async connections: one for writes (the primary) and one for
//! read-heavy work, which may point at a replica (`DATABASE_READ_URL`).

use diesel_async::pooled_connection::deadpool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::AsyncPgConnection;

use crate::config::Settings;

pub type Pool = deadpool::Pool<AsyncPgConnection>;
pub type Conn = deadpool::Object<AsyncPgConnection>;
pub type PoolError = deadpool::PoolError;

#[derive(Clone)]
pub struct Pools {
    pub write: Pool,
    pub read: Pool,
}

impl Pools {
    pub fn new(settings: &Settings) -> anyhow::Result<Pools> {
        let write = build(&settings.database_url, settings)?;
        let read = match &settings.database_read_url {
            Some(url) => build(url, settings)?,
            None => write.clone(),
        };
        Ok(Pools { write, read })
    }
}

fn build(url: &str, settings: &Settings) -> anyhow::Result<Pool> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
    // Timeouts bound every wait, so while the database is down requests answer 503 quickly
    // instead of queueing; the pool reconnects by itself when it returns.
    let timeout = Some(settings.database_timeout);
    Ok(deadpool::Pool::builder(manager)
        .max_size(settings.database_pool_size)
        .wait_timeout(timeout)
        .create_timeout(timeout)
        .recycle_timeout(timeout)
        .runtime(::deadpool::Runtime::Tokio1)
        .build()?)
}
