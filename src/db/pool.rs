//! deadpool pools of diesel-async connections: one for writes (the primary) and one for
//! read-heavy work, which may point at a replica (`DATABASE_READ_URL`). The read pool is a pool
//! of its own even on the primary, so balance reads never queue behind writers that hold every
//! write connection while they wait on a fund's receipt counter.

use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

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
            Plans::Generic,
        )?;
        let read_size = (settings.database_pool_size / 2).max(4);
        let read = build(settings.read_url(), read_size, settings, Plans::Chosen)?;
        Ok(Pools { write, read })
    }
}

/// How a pool's connections plan their prepared statements.
#[derive(Clone, Copy)]
enum Plans {
    /// Once per connection (`plan_cache_mode = force_generic_plan`). The writes are keyed
    /// inserts and lookups whose best plan does not depend on the values, yet PostgreSQL kept
    /// planning them (and the trigger statements they fire) anew on every execution: under P1a's
    /// load it spent a seventh of its CPU planning (bench/README.md, "What limits P1a").
    Generic,
    /// As PostgreSQL chooses: the reads filter, search and page, where a plan for the values at
    /// hand can matter.
    Chosen,
}

fn build(url: &str, size: usize, settings: &Settings, plans: Plans) -> anyhow::Result<Pool> {
    // No test query on every checkout (a round trip per request): a connection that died is
    // marked broken by the query that finds out, answered 503, and dropped on return.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    if let Plans::Generic = plans {
        config.custom_setup = Box::new(|url| {
            let url = url.to_owned();
            Box::pin(async move {
                let mut conn = AsyncPgConnection::establish(&url).await?;
                conn.batch_execute("SET plan_cache_mode = force_generic_plan")
                    .await
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            })
        });
    }
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
