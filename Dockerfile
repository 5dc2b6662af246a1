# syntax=docker/dockerfile:1
# The doanket service on Debian slim. The binary needs no libpq (the database driver,
# tokio-postgres, is Rust) and no TLS library; ca-certificates is there for the future.

FROM rust:1-bookworm AS builder
WORKDIR /build

# Dependencies first, with a stand-in crate, so this layer is rebuilt only when Cargo.toml or
# Cargo.lock change, not on every source edit.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src target/release/.fingerprint/doanket-* target/release/deps/doanket-* \
        target/release/deps/libdoanket-* target/release/doanket

# The crate itself: migrations and the 2026 unit list are compiled into the binary.
COPY migrations migrations
COPY data data
COPY src src
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked \
    && strip target/release/doanket

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin doanket
COPY --from=builder /build/target/release/doanket /usr/local/bin/doanket
# the official unit lists, for `doanket units import /usr/share/doanket/units/<file>.csv`
COPY data/units /usr/share/doanket/units
# uploaded photos and PDFs (a volume in docker-compose.yml)
RUN mkdir -p /var/lib/doanket/attachments && chown doanket:doanket /var/lib/doanket/attachments
USER doanket
WORKDIR /usr/share/doanket
ENV DOANKET_BIND=0.0.0.0:8080 \
    DOANKET_LOG_FORMAT=json \
    DOANKET_ATTACHMENTS_DIR=/var/lib/doanket/attachments
EXPOSE 8080
# liveness without curl in the image: bash speaks just enough HTTP to read the status line
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${DOANKET_BIND##*:} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["doanket"]
CMD ["serve"]
