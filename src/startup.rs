//! Building and running the HTTP application: `Application::build` binds the listener and wires
//! state, middleware and routes; `run_until_stopped` serves until SIGTERM/SIGINT, then drains,
//! logging both.

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
pub use crate::state::AppState;
use crate::{extract, middleware, routes};

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
                .wrap(from_fn(routes::operations::head_as_get))
                .wrap(Compress::default())
                .wrap(from_fn(middleware::problem::middleware))
                .wrap(cors)
                .wrap(from_fn(middleware::problem::cors_refusals))
                .wrap(state.metrics.middleware())
                .wrap(from_fn(middleware::language::middleware))
                .wrap(from_fn(middleware::request_id::middleware))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
        })
        .workers(workers)
        .shutdown_timeout(DRAIN_SECONDS)
        // `run_until_stopped` listens for the signals itself, to log the shutdown
        .disable_signals()
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and lets in-flight
    /// requests finish (up to 30 s). Both moments are logged, so an operator can tell a drain
    /// from a crash.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mut server = self.server;
        tokio::select! {
            result = &mut server => result,
            signal = shutdown_signal() => {
                let signal = signal?;
                tracing::info!(
                    signal,
                    drain_timeout_s = DRAIN_SECONDS,
                    "shutdown signal received; draining in-flight requests"
                );
                let started = std::time::Instant::now();
                // the server future does the stopping: drive it while waiting for the stop
                let (result, ()) = tokio::join!(server, handle.stop(true));
                let took_ms = started.elapsed().as_millis() as u64;
                if took_ms >= DRAIN_SECONDS * 1000 {
                    tracing::warn!(
                        signal,
                        took_ms,
                        "drain timed out; requests still running were cut off"
                    );
                } else {
                    tracing::info!(signal, took_ms, "drained; the server has stopped");
                }
                result
            }
        }
    }
}

/// How long in-flight requests may take to finish once a shutdown signal came.
const DRAIN_SECONDS: u64 = 30;

/// The name of the first shutdown signal to arrive.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = term.recv() => Ok("SIGTERM"),
            _ = int.recv() => Ok("SIGINT"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await?;
        Ok("SIGINT")
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
