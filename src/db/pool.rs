//! deadpool pools of diesel-async connections: one for writes (the primary) and one for
//! read-heavy work, which may point at a replica (`DATABASE_READ_URL`). The read pool is a pool
//! of its own even on the primary, so balance reads never queue behind writers that hold every
//! write connection while they wait on a fund's receipt counter.

use diesel_async::pooled_connection::deadpool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
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
        let write = build(
            &settings.database_url,
            settings.database_pool_size,
            settings,
        )?;
        let read_size = (settings.database_pool_size / 2).max(4);
        let read = build(settings.read_url(), read_size, settings)?;
        Ok(Pools { write, read })
    }
}

fn build(url: &str, size: usize, settings: &Settings) -> anyhow::Result<Pool> {
    // No test query on every checkout (a round trip per request): a connection that died is
    // marked broken by the query that finds out, answered 503, and dropped on return.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    // Timeouts bound every wait, so while the database is down requests answer 503 quickly
    // instead of queueing; the pool reconnects by itself when it returns.
    let timeout = Some(settings.database_timeout);
    Ok(deadpool::Pool::builder(manager)
        .max_size(size)
        .wait_timeout(timeout)
        .create_timeout(timeout)
        .recycle_timeout(timeout)
        .runtime(::deadpool::Runtime::Tokio1)
        .build()?)
}
