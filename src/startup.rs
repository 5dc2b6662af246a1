//! Building and running the HTTP application: `Application::build` binds the listener and wires
//! state, middleware and routes; `run_until_stopped` serves until SIGTERM/SIGINT, then drains.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};

use crate::auth::rate_limit::{PublicLimiter, SignInLimiter};
use crate::auth::KeySet;
use crate::config::Settings;
use crate::db::Pools;
use crate::metrics::Metrics;
use crate::{extract, middleware, routes};

/// Shared, immutable per-process state (no global mutable state: tests run many apps at once).
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pools: Pools,
    pub keys: Arc<KeySet>,
    pub sign_in_limiter: SignInLimiter,
    /// Throttles `/v1/public` per client address.
    pub public_limiter: PublicLimiter,
    /// A real argon2id hash of a random password: verified against when the username does not
    /// exist, so sign-in takes the same time either way.
    pub dummy_password_hash: String,
    pub metrics: Metrics,
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(settings.bind)?;
        Self::build_with_listener(settings, listener).await
    }

    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        let port = listener.local_addr()?.port();
        let pools = Pools::new(&settings)?;
        let keys = Arc::new(KeySet::from_pems(
            &settings.jwt.issuer,
            &settings.jwt.private_keys_pem,
        )?);
        let dummy_password_hash =
            crate::auth::password::hash(crate::auth::refresh::generate()).await?;
        let metrics = Metrics::new(pools.clone())?;
        let state = web::Data::new(AppState {
            sign_in_limiter: SignInLimiter::new(
                settings.sign_in_per_minute_per_user,
                settings.sign_in_per_minute_per_ip,
            ),
            public_limiter: PublicLimiter::new(settings.public_per_minute_per_ip),
            settings: Arc::new(settings.clone()),
            pools,
            keys,
            dummy_password_hash,
            metrics,
        });
        spawn_housekeeping(state.pools.write.clone());
        crate::ledger::sealing::spawn_sealer(state.pools.write.clone(), settings.seal_interval);
        let cors_origins = settings.cors_allowed_origins.clone();
        let workers = settings
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));

        let server = HttpServer::new(move || {
            let mut cors = Cors::default()
                .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
                .allowed_headers([
                    actix_web::http::header::AUTHORIZATION,
                    actix_web::http::header::CONTENT_TYPE,
                    actix_web::http::header::ACCEPT_LANGUAGE,
                    actix_web::http::header::HeaderName::from_static("idempotency-key"),
                    actix_web::http::header::HeaderName::from_static("x-request-id"),
                ])
                .expose_headers(["x-request-id", "idempotent-replayed", "retry-after"])
                .max_age(3600);
            for origin in &cors_origins {
                cors = cors.allowed_origin(origin);
            }
            App::new()
                .app_data(state.clone())
                .app_data(extract::json_config())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .app_data(web::PayloadConfig::new(extract::JSON_LIMIT))
                .wrap(Compress::default())
                .wrap(from_fn(middleware::problem::middleware))
                .wrap(cors)
                .wrap(state.metrics.middleware())
                .wrap(from_fn(middleware::request_id::middleware))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
        })
        .workers(workers)
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until a shutdown signal; in-flight requests get up to 30 s to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Periodic clean-up that any replica may run: idempotency keys past their retention.
fn spawn_housekeeping(pool: crate::db::Pool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Ok(mut conn) = pool.get().await {
                match crate::db::idempotency::purge_expired(&mut conn).await {
                    Ok(n) if n > 0 => {
                        tracing::info!(purged = n, "expired idempotency keys removed")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "idempotency purge failed"),
                }
            }
        }
    });
}
