#!/usr/bin/env bash
# The test command: unit and integration tests against a real PostgreSQL.
#
#   scripts/test.sh                  # everything (cargo test --all-targets)
#   scripts/test.sh -- units         # extra arguments go to `cargo test`
#   scripts/test.sh --test api units # only the targets named, when any are
#
# Which PostgreSQL, in order:
#   1. DOANKET_TEST_DATABASE_URL, if set (postgres://user@host:port/postgres, a user that may
#      CREATE DATABASE);
#   2. a server answering on 127.0.0.1:5432 as user `postgres` without a password;
#   3. a throw-away cluster in target/pg-test, made with the local PostgreSQL server binaries
#      (initdb, pg_ctl) on a free port, and stopped when the tests end. DOANKET_TEST_THROWAWAY=1
#      skips 2 and always does this.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

say() { printf 'scripts/test.sh: %s\n' "$*" >&2; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when 127.0.0.1:5432 lets `postgres` in without a password and may create databases.
default_server_usable() {
    port_open 5432 || return 1
    if command -v psql >/dev/null 2>&1; then
        [ "$(PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc \
            "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null)" = t ]
    elif command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h 127.0.0.1 -p 5432 -U postgres
    else
        true # something listens on the PostgreSQL port and nothing here can ask more
    fi
}

# The directory with initdb and pg_ctl, newest PostgreSQL first; empty when there is none.
find_server_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r) \
        /usr/local/pgsql/bin /opt/homebrew/bin /usr/local/bin /usr/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
    fi
}

free_port() {
    local port
    for port in $(seq 54320 54420); do
        port_open "$port" || { echo "$port"; return; }
    done
    say "no free port in 54320-54420"
    exit 1
}

CLUSTER_BIN=
CLUSTER_DATA=
CLUSTER_RUNAS=()

start_throwaway_cluster() {
    local bin=$1 root="$repo/target/pg-test" port
    port=$(free_port)
    CLUSTER_BIN=$bin
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root: run the cluster as an unprivileged user
        local user=postgres
        id -u "$user" >/dev/null 2>&1 || user=nobody
        CLUSTER_RUNAS=(runuser -u "$user" --)
    fi
    # a run that was killed may have left its server behind
    CLUSTER_DATA="$root/db"
    stop_cluster
    rm -rf "$root"
    mkdir -p "$root"
    if [ "${#CLUSTER_RUNAS[@]}" -gt 0 ]; then
        chown "${CLUSTER_RUNAS[2]}" "$root"
        if ! "${CLUSTER_RUNAS[@]}" test -w "$root"; then
            # the checkout is out of that user's reach (e.g. under /root): use /tmp instead
            rm -rf "$root"
            root=$(mktemp -d /tmp/doanket-pg-test.XXXXXX)
            chown "${CLUSTER_RUNAS[2]}" "$root"
        fi
    fi
    CLUSTER_DATA="$root/db"
    trap stop_cluster EXIT
    say "starting a throw-away PostgreSQL ($("$bin/postgres" --version)) in $root on port $port"
    run_as "$bin/initdb" -D "$CLUSTER_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$root/initdb.log" 2>&1 \
        || run_as "$bin/initdb" -D "$CLUSTER_DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale \
        >"$root/initdb.log" 2>&1 \
        || { cat "$root/initdb.log" >&2; say "initdb failed"; exit 1; }
    # durability is worthless for a database that lives for one test run
    run_as "$bin/pg_ctl" -D "$CLUSTER_DATA" -l "$root/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=300 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
        || { cat "$root/server.log" >&2; say "PostgreSQL did not start"; exit 1; }
    export DOANKET_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

run_as() { ${CLUSTER_RUNAS[@]+"${CLUSTER_RUNAS[@]}"} "$@"; }

stop_cluster() {
    if [ -f "$CLUSTER_DATA/postmaster.pid" ]; then
        run_as "$CLUSTER_BIN/pg_ctl" -D "$CLUSTER_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    case $CLUSTER_DATA in /tmp/doanket-pg-test.*) rm -rf "$(dirname "$CLUSTER_DATA")" ;; esac
}

if [ -n "${DOANKET_TEST_DATABASE_URL:-}" ]; then
    say "using DOANKET_TEST_DATABASE_URL"
elif [ "${DOANKET_TEST_THROWAWAY:-}" != 1 ] && default_server_usable; then
    export DOANKET_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    say "using the PostgreSQL server on 127.0.0.1:5432"
else
    bin=$(find_server_bin)
    if [ -z "$bin" ]; then
        cat >&2 <<'EOF'
scripts/test.sh: the tests need PostgreSQL (14 or newer), and none was found:
  - nothing on 127.0.0.1:5432 lets user `postgres` in without a password, and
  - no server binaries (initdb, pg_ctl) to start a throw-away one.
Do one of:
  - install the server binaries: `sudo apt-get install postgresql` (Debian/Ubuntu),
    `brew install postgresql@16` (macOS), then run this script again;
  - or point the tests at a server: DOANKET_TEST_DATABASE_URL=postgres://user:pass@host:5432/postgres
    (a user that may CREATE DATABASE).
EOF
        exit 1
    fi
    start_throwaway_cluster "$bin"
fi

# every target unless the caller picked some (`scripts/test.sh --test api -- units`)
targets=(--all-targets)
for arg in "$@"; do
    case $arg in
        --) break ;;
        --lib | --bin | --bin=* | --bins | --test | --test=* | --tests | --example | --example=* | --examples \
            | --bench | --bench=* | --benches | --doc | --all-targets) targets=() ;;
    esac
done
cargo test ${targets[@]+"${targets[@]}"} "$@"
