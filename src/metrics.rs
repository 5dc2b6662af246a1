//! Prometheus metrics: request counts and latency histograms per route pattern (from
//! actix-web-prom), plus the state of the connection pools, refreshed at each scrape.

use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntGaugeVec, Opts, Registry, TextEncoder};

use crate::db::Pools;

#[derive(Clone)]
pub struct Metrics {
    http: PrometheusMetrics,
    registry: Registry,
    pool: IntGaugeVec,
    pools: Pools,
}

impl Metrics {
    pub fn new(pools: Pools) -> anyhow::Result<Metrics> {
        let registry = Registry::new();
        let http = PrometheusMetricsBuilder::new("doanket")
            .registry(registry.clone())
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .map_err(|e| anyhow::anyhow!("metrics: {e}"))?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "doanket_db_pool_connections",
                "Database pool connections by state",
            ),
            &["pool", "state"],
        )?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Metrics {
            http,
            registry,
            pool,
            pools,
        })
    }

    pub fn middleware(&self) -> PrometheusMetrics {
        self.http.clone()
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        for (name, pool) in [("write", &self.pools.write), ("read", &self.pools.read)] {
            let status = pool.status();
            self.pool
                .with_label_values(&[name, "size"])
                .set(status.size as i64);
            self.pool
                .with_label_values(&[name, "available"])
                .set(status.available as i64);
            self.pool
                .with_label_values(&[name, "waiting"])
                .set(status.waiting as i64);
            self.pool
                .with_label_values(&[name, "max"])
                .set(status.max_size as i64);
        }
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
