#!/usr/bin/env bash
# R7 of quality.md, the service deployed as in production, in one command (README.md,
# "Production-like deployment"):
#   scripts/deploy-check.sh
#
# Starts, all on this machine and on free loopback ports: a PostgreSQL primary and a streaming
# replica (initdb + pg_basebackup -R into target/deploy/pg, fsync on, a replication slot), two
# replicas of the service (DATABASE_URL at the primary, DATABASE_READ_URL at the replica, one
# shared signing key) and HAProxy in front of them with deploy/haproxy.cfg (round robin, health
# check on /readyz). Then:
#   load         P1a-style: 32 clients record donations through the balancer (loadgen donations,
#                with 2 readers of the fund's balances), while one user writes and reads back
#                through the replica (deploy_probes read-your-writes)
#   idempotency  many keys, each sent with the same body to both replicas at the same instant
#   approvals    a fund that affords N grants, 4N approvals at once, half through each replica
# and checks what R7 asks: every R1 check of scripts/lib/checks.sh on the primary (each 201
# exactly once, receipts gapless, entries and trial balances balanced, running totals equal to
# the postings), the ledger checks again on the replica once it caught up, the two databases
# alike, `doanket ledger verify`; one donation per key; exactly the affordable approvals; no read
# from the replica older than the lag it reported. Prints the table of what held with the
# figures and writes it to target/deploy/results.tsv; exit 0 when everything held, 1 otherwise.
# Every process it starts is stopped on exit, failure or not; the server on 127.0.0.1:5432 is
# never touched. Every loop is bounded; all traffic stays on 127.0.0.1.
#
# Needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup), psql, curl, openssl,
# python3 and haproxy (installed from Debian when missing and run as root).
# DEPLOY_PROFILE=release (default) or debug; DEPLOY_LOAD_SECS, DEPLOY_WARMUP_SECS,
# DEPLOY_CLIENTS, DEPLOY_RACE_KEYS, DEPLOY_AFFORDABLE tune it; DEPLOY_KEEP=1 keeps the clusters.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

CLIENTS=${DEPLOY_CLIENTS:-32}
WARMUP=${DEPLOY_WARMUP_SECS:-5}
LOAD_SECS=${DEPLOY_LOAD_SECS:-30}
RACE_KEYS=${DEPLOY_RACE_KEYS:-300}
AFFORDABLE=${DEPLOY_AFFORDABLE:-37}
GRANT=100000
PROFILE=${DEPLOY_PROFILE:-release}
case $PROFILE in release | debug) ;; *) echo "deploy-check: DEPLOY_PROFILE is release or debug" >&2; exit 1 ;; esac
# the units: P1a load into Lạng Sơn; each probe a commune of its own, so it knows every entry there
P1A_CODE=20
RACE_CODE=05977
RYW_CODE=05983
GRANTS_CODE=05986

WORK=$repo/target/deploy
started=$SECONDS
step() { printf '\n=== deploy-check: %s (%ds)\n' "$*" "$((SECONDS - started))"; }
die() { echo "deploy-check: $*" >&2; exit 1; }

if ! command -v haproxy >/dev/null; then
    [ "$(id -u)" = 0 ] || die "needs haproxy (apt-get install haproxy)"
    echo "deploy-check: installing haproxy from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
fi
for tool in psql curl openssl python3 haproxy; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
PG_BIN=
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r) /usr/local/pgsql/bin /usr/local/bin /usr/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_basebackup" ]; then PG_BIN=$dir; break; fi
done
[ -n "$PG_BIN" ] || die "needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# initdb refuses to run as root: the clusters then run as `postgres` (or nobody)
RUNAS=()
if [ "$(id -u)" = 0 ]; then
    pg_user=postgres
    id -u "$pg_user" >/dev/null 2>&1 || pg_user=nobody
    RUNAS=(runuser -u "$pg_user" --)
fi
run_as() { ${RUNAS[@]+"${RUNAS[@]}"} "$@"; }

rm -rf "$WORK"
mkdir -p "$WORK"
PG_ROOT=$WORK/pg
mkdir -p "$PG_ROOT"
if [ "${#RUNAS[@]}" -gt 0 ]; then
    chown "${RUNAS[2]}" "$PG_ROOT"
    if ! run_as test -w "$PG_ROOT"; then
        # the checkout is out of that user's reach (e.g. under /root)
        rmdir "$PG_ROOT"
        PG_ROOT=$(mktemp -d /tmp/doanket-deploy-pg.XXXXXX)
        chown "${RUNAS[2]}" "$PG_ROOT"
    fi
fi
PRIMARY_PORT=$(free_port)
REPLICA_PORT=$(free_port)
APP_PORTS=("$(free_port)" "$(free_port)")
LB_PORT=$(free_port)
STATS_PORT=$(free_port)
LB=http://127.0.0.1:$LB_PORT
APP=("http://127.0.0.1:${APP_PORTS[0]}" "http://127.0.0.1:${APP_PORTS[1]}")
DB=doanket_deploy

pg_ctl_() { run_as "$PG_BIN/pg_ctl" -D "$PG_ROOT/$1/data" "${@:2}"; }
pg_start() { # primary|replica port extra-options
    pg_ctl_ "$1" -l "$PG_ROOT/$1/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$2 -c unix_socket_directories='' -c max_connections=200 -c fsync=on $3" \
        >/dev/null || { tail -20 "$PG_ROOT/$1/server.log" >&2; die "PostgreSQL ($1) did not start"; }
}
psql_at() { local port=$1; shift; psql -w -X -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -Atq -d "$@"; }
# scripts/lib/checks.sh runs its checks through psql_db, on whichever cluster CHECK_PORT names
CHECK_PORT=
psql_db() { psql_at "$CHECK_PORT" "$@"; }
# db_checks, ledger_checks
# shellcheck source=scripts/lib/checks.sh
source "$repo/scripts/lib/checks.sh"

APP_PIDS=("" "")
LB_PID=
BG_PIDS=()
stop_pid() { # pid: TERM, up to 10 s, then KILL
    [ -n "$1" ] || return 0
    if kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$1" 2>/dev/null || true
    fi
    wait "$1" 2>/dev/null || true
}
stop_apps() {
    stop_pid "${APP_PIDS[0]}"
    stop_pid "${APP_PIDS[1]}"
    APP_PIDS=("" "")
}
cleanup() {
    local rc=$?
    for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    stop_pid "$LB_PID"
    stop_apps
    for c in replica primary; do
        if [ -f "$PG_ROOT/$c/data/postmaster.pid" ]; then pg_ctl_ "$c" -m fast -w stop >/dev/null 2>&1 || true; fi
        [ -f "$PG_ROOT/$c/server.log" ] && cp "$PG_ROOT/$c/server.log" "$WORK/postgres-$c.log" 2>/dev/null || true
    done
    if [ "${DEPLOY_KEEP:-0}" != 1 ]; then
        rm -rf "$PG_ROOT"
        rm -f "$WORK"/*.targets "$WORK"/*.token "$WORK"/jwt.pem "$WORK"/password "$WORK"/ids.all
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

target_dir=${CARGO_TARGET_DIR:-$repo/target}
step "build ($PROFILE)"
if [ "$PROFILE" = release ]; then
    cargo build --release --bins --examples
else
    # after scripts/test.sh this compiles the examples only: the library is the tests' one
    cargo build --bins --examples
fi
BIN=$target_dir/$PROFILE/doanket
LOADGEN="$target_dir/$PROFILE/examples/loadgen --threads 1"
PROBES="$target_dir/$PROFILE/examples/deploy_probes --threads 1"

RESULTS=$WORK/results.tsv
: >"$RESULTS"
result() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; } # name ok|FAIL detail
verdict() { if [ "$1" = 1 ]; then echo ok; else echo FAIL; fi; }

# ---------------------------------------------------------------- the two databases
step "PostgreSQL primary ($("$PG_BIN/postgres" --version)) on port $PRIMARY_PORT, streaming replica on $REPLICA_PORT"
mkdir -p "$PG_ROOT/primary" "$PG_ROOT/replica"
[ "${#RUNAS[@]}" -eq 0 ] || chown "${RUNAS[2]}" "$PG_ROOT/primary" "$PG_ROOT/replica"
# initdb's default pg_hba.conf (trust) already lets 127.0.0.1 connect for replication
run_as "$PG_BIN/initdb" -D "$PG_ROOT/primary/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1 \
    || run_as "$PG_BIN/initdb" -D "$PG_ROOT/primary/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$PG_ROOT/initdb.log" 2>&1 \
    || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
pg_start primary "$PRIMARY_PORT" "-c wal_level=replica -c max_wal_senders=4"
[ "$(psql_at "$PRIMARY_PORT" postgres -c 'SHOW fsync')" = on ] || die "fsync is not on"
# -R writes the standby's primary_conninfo; the slot keeps the WAL the replica still needs
run_as "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$PG_ROOT/replica/data" \
    -R -X stream -C -S doanket_replica -c fast >"$PG_ROOT/basebackup.log" 2>&1 \
    || { cat "$PG_ROOT/basebackup.log" >&2; die "pg_basebackup failed"; }
# hot_standby_feedback: the primary keeps rows a replica read still needs, so vacuum on the
# primary does not cancel reads on the replica
pg_start replica "$REPLICA_PORT" "-c hot_standby=on -c hot_standby_feedback=on"
streaming=
for _ in $(seq 1 100); do
    streaming=$(psql_at "$PRIMARY_PORT" postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
    [ "$streaming" = 1 ] && break
    sleep 0.2
done
in_recovery=$(psql_at "$REPLICA_PORT" postgres -c 'SELECT pg_is_in_recovery()')
result "replica streams from the primary" "$(verdict "$([ "$streaming" = 1 ] && [ "$in_recovery" = t ] && echo 1)")" \
    "pg_stat_replication: $streaming streaming; replica pg_is_in_recovery() = $in_recovery; slot doanket_replica"
[ "$streaming" = 1 ] || die "the replica does not stream"

# the replica has replayed everything the primary has written so far (bounded: 30 s)
replica_caught_up() {
    local lsn
    lsn=$(psql_at "$PRIMARY_PORT" postgres -c 'SELECT pg_current_wal_lsn()')
    for _ in $(seq 1 300); do
        [ "$(psql_at "$REPLICA_PORT" postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- seed
step "seed: database, units, users"
openssl genpkey -algorithm ed25519 -out "$WORK/jwt.pem" 2>/dev/null
PASSWORD="deploy-$(openssl rand -hex 12)"
(umask 077 && printf '%s' "$PASSWORD" >"$WORK/password")
export DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DB"
READ_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB"
export DOANKET_LOG_FORMAT=json
export RUST_LOG=warn
# both replicas sign and verify with the same key: a token from one works on the other
export DOANKET_JWT_KEY_FILES=$WORK/jwt.pem
export DOANKET_ACCESS_TOKEN_TTL_SECS=7200
export DOANKET_SIGNIN_PER_MINUTE_PER_USER=100000
export DOANKET_SIGNIN_PER_MINUTE_PER_IP=100000
# behind the balancer: the client's address comes from X-Forwarded-For
export DOANKET_TRUST_PROXY=1
# one attachments folder for both, as a shared volume would be
export DOANKET_ATTACHMENTS_DIR=$WORK/attachments
unset DATABASE_READ_URL DOANKET_BIND
# migrations run once, before any replica serves
"$BIN" migrate
"$BIN" units import data/units/vn-admin-units-2026.csv >/dev/null
create_user() { # username full-name role@code...
    local u=$1 n=$2
    shift 2
    printf '%s' "$PASSWORD" | "$BIN" users create --username "$u" --password-stdin --full-name "$n" \
        $(printf -- '--role %s ' "$@") >/dev/null
}
create_user deploy.officer "Cán bộ Lạng Sơn" "officer@$P1A_CODE" "accountant@$P1A_CODE"
create_user deploy.race "Cán bộ phường Đông Kinh" "officer@$RACE_CODE" "accountant@$RACE_CODE"
create_user deploy.ryw "Cán bộ phường Lương Văn Tri" "officer@$RYW_CODE" "accountant@$RYW_CODE"
create_user deploy.grants "Cán bộ phường Tam Thanh" "officer@$GRANTS_CODE" "accountant@$GRANTS_CODE"
create_user deploy.approver "Chủ tịch phường Tam Thanh" "approver@$GRANTS_CODE"
replica_caught_up || die "the replica did not catch up with the seed in 30 s"

# ---------------------------------------------------------------- two replicas and the balancer
step "two service replicas on ports ${APP_PORTS[*]}, HAProxy on $LB_PORT (stats on $STATS_PORT)"
start_app() { # index
    DOANKET_BIND=127.0.0.1:${APP_PORTS[$1]} DATABASE_READ_URL=$READ_URL \
        "$BIN" serve >>"$WORK/service-$(($1 + 1)).log" 2>&1 &
    APP_PIDS[$1]=$!
}
wait_ready() { # index
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null --max-time 3 "${APP[$1]}/readyz" 2>/dev/null && return 0
        kill -0 "${APP_PIDS[$1]}" 2>/dev/null || { tail -20 "$WORK/service-$(($1 + 1)).log" >&2; die "replica $(($1 + 1)) exited"; }
        sleep 0.1
    done
    die "replica $(($1 + 1)) did not become ready in 30 s"
}
start_app 0
start_app 1
wait_ready 0
wait_ready 1
DOANKET_LB_BIND=127.0.0.1:$LB_PORT DOANKET_LB_STATS_BIND=127.0.0.1:$STATS_PORT \
    DOANKET_REPLICA_1=127.0.0.1:${APP_PORTS[0]} DOANKET_REPLICA_2=127.0.0.1:${APP_PORTS[1]} \
    haproxy -db -f deploy/haproxy.cfg >>"$WORK/haproxy.log" 2>&1 &
LB_PID=$!
# per replica: status, requests answered, 2xx, 4xx, 5xx (from the stats CSV)
lb_stats() {
    { curl -fsS --max-time 3 "http://127.0.0.1:$STATS_PORT/stats;csv" 2>/dev/null || true; } | python3 -c '
import csv, sys
rows = list(csv.DictReader(line.lstrip("# ") if i == 0 else line for i, line in enumerate(sys.stdin)))
for r in rows:
    if r["pxname"] == "doanket" and r["svname"].startswith("replica"):
        print(r["svname"], r["status"], r.get("req_tot") or r["stot"], r["hrsp_2xx"], r["hrsp_4xx"], r["hrsp_5xx"])
'
}
up=0
for _ in $(seq 1 100); do
    up=$(lb_stats | awk '$2 == "UP"' | wc -l)
    [ "$up" = 2 ] && break
    kill -0 "$LB_PID" 2>/dev/null || { cat "$WORK/haproxy.log" >&2; die "haproxy exited"; }
    sleep 0.2
done
result "HAProxy sees both replicas UP (GET /readyz)" "$(verdict "$([ "$up" = 2 ] && echo 1)")" "$up of 2 UP: haproxy $(haproxy -v | awk 'NR == 1 { print $3 }'), round robin"
[ "$up" = 2 ] || die "the balancer does not see both replicas"

step "bank accounts and tokens through the balancer"
{
    echo "p1a deploy.officer $P1A_CODE"
    echo "race deploy.race $RACE_CODE"
    echo "ryw deploy.ryw $RYW_CODE"
    echo "grants deploy.grants $GRANTS_CODE"
} >"$WORK/plan"
$LOADGEN setup --base "$LB" --password-file "$WORK/password" --plan "$WORK/plan" --out-dir "$WORK"
GRANTS_UNIT=$(awk '{ print $1; exit }' "$WORK/grants.targets")
(umask 077 && awk '{ print $3; exit }' "$WORK/grants.targets" >"$WORK/officer.token")

# a token one replica signed is good on the other, both ways
sign_in() { # base username → token
    curl -fsS --max-time 10 -H 'Content-Type: application/json' \
        --data-binary "{\"username\":\"$2\",\"password\":\"$PASSWORD\"}" "$1/v1/auth/token" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
me_status() { curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $2" "$1/v1/auth/me"; }
(umask 077 && sign_in "${APP[0]}" deploy.approver >"$WORK/approver.token")
token_b=$(sign_in "${APP[1]}" deploy.approver)
a_on_b=$(me_status "${APP[1]}" "$(cat "$WORK/approver.token")")
b_on_a=$(me_status "${APP[0]}" "$token_b")
unset token_b
result "a token signed by one replica is accepted by the other" "$(verdict "$([ "$a_on_b" = 200 ] && [ "$b_on_a" = 200 ] && echo 1)")" \
    "GET /v1/auth/me: replica 1's token on replica 2 → $a_on_b, replica 2's on replica 1 → $b_on_a"

# ---------------------------------------------------------------- load, with read-your-writes
replica_xacts() { psql_at "$REPLICA_PORT" postgres -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
xacts_before=$(replica_xacts)
step "load: $CLIENTS clients through the balancer for ${WARMUP}s + ${LOAD_SECS}s (P1a), read-your-writes meanwhile"
psql_at "$PRIMARY_PORT" postgres -c CHECKPOINT >/dev/null
$LOADGEN donations --base "$LB" --name R7 --targets "$WORK/p1a.targets" --clients "$CLIENTS" --readers 2 \
    --warmup-secs "$WARMUP" --duration-secs "$LOAD_SECS" --timeout-secs 10 \
    --ids-out "$WORK/load.ids" --report "$WORK/load.json" >"$WORK/load.log" 2>&1 &
LOAD_PID=$!
BG_PIDS+=("$LOAD_PID")
$PROBES --results "$RESULTS" --report "$WORK/ryw.json" --ids-out "$WORK/ryw.ids" read-your-writes \
    --base "$LB" --targets "$WORK/ryw.targets" --primary-url "$DATABASE_URL" --replica-url "$READ_URL" \
    --duration-secs "$((WARMUP + LOAD_SECS))" >"$WORK/ryw.log" 2>&1 &
RYW_PID=$!
BG_PIDS+=("$RYW_PID")
load_ok=1
wait "$LOAD_PID" || load_ok=0
ryw_ok=1
wait "$RYW_PID" || ryw_ok=0
cat "$WORK/load.log"
cat "$WORK/ryw.log"
[ "$ryw_ok" = 1 ] || result "read-your-writes probe ran" FAIL "$(tail -2 "$WORK/ryw.log" | tr '\n' ' ' | cut -c1-300)"
# throughput, p50, p99, errors, P2 p99, transport failures (a request that may have committed)
read -r TPUT P50 P99 ERRORS ERR_KINDS P2_P99 P2_ERRORS LOST < <(python3 - "$WORK/load.json" <<'PY' || echo "0 0 0 ? none 0 ? 0"
import json, sys
r = json.load(open(sys.argv[1]))
kinds = ",".join(f"{k}:{v}" for k, v in r["errors_by_status"].items()) or "none"
lost = sum(v for k, v in r["errors_by_status"].items() if not k.isdigit())
p2 = r.get("p2") or {}
print(f'{r["throughput_per_s"]:.0f} {r["latency_ms"]["p50"]:.1f} {r["latency_ms"]["p99"]:.1f} {r["errors_total"]} {kinds} '
      f'{p2.get("latency_ms", {}).get("p99", 0):.1f} {p2.get("errors_total", "?")} {lost}')
PY
)
result "load through the balancer: zero errors" "$(verdict "$([ "$load_ok" = 1 ] && [ "$ERRORS" = 0 ] && [ "$P2_ERRORS" = 0 ] && echo 1)")" \
    "$TPUT donations/s, p50 $P50 ms, p99 $P99 ms ($CLIENTS clients, ${LOAD_SECS}s); errors $ERRORS ($ERR_KINDS); balance reads p99 $P2_P99 ms, errors $P2_ERRORS"
read -r share_ok share_detail < <(lb_stats | awk '
    { n++; name[n] = $1; req[n] = $3; st[n] = $2; five += $6; total += $3 }
    END {
        ok = (n == 2 && req[1] > 0 && req[2] > 0 && req[1] / total > 0.3 && req[2] / total > 0.3 && five == 0) ? 1 : 0
        printf "%d %s %s: %d requests, %s %s: %d requests; %d answered 5xx\n", ok, name[1], st[1], req[1], name[2], st[2], req[2], five
    }')
result "the balancer spread the requests over both replicas" "$(verdict "$share_ok")" "$share_detail"
replica_conns=$(psql_at "$REPLICA_PORT" postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND backend_type = 'client backend'")
xacts_after=$(replica_xacts)
result "reads went to the streaming replica (DATABASE_READ_URL)" "$(verdict "$([ "$replica_conns" -gt 0 ] && [ "$((xacts_after - xacts_before))" -gt 0 ] && echo 1)")" \
    "$replica_conns connections of the read pools on the replica; $((xacts_after - xacts_before)) transactions there during the load"

# Read-heavy work served by the standby (the read pool, and the export's own connection): each
# answers 200 through the balancer, on a hot standby where nothing can be written.
P1A_UNIT=$(awk '{ print $1; exit }' "$WORK/p1a.targets")
(umask 077 && awk '{ print $3; exit }' "$WORK/p1a.targets" >"$WORK/p1a.token")
today=$(date +%F)
read_paths=(
    "/v1/units/$P1A_UNIT/balances"
    "/v1/units/$P1A_UNIT/reports/trial-balance"
    "/v1/units/$P1A_UNIT/reports/fund-statement?from=${today:0:4}-01-01&to=$today"
    "/v1/units/$P1A_UNIT/receipts"
    "/v1/donations?unit_id=$P1A_UNIT"
    "/v1/journal?unit_id=$P1A_UNIT"
    "/v1/units/$P1A_UNIT/ledger/verify"
    "/v1/units/$P1A_UNIT/ledger?format=csv"
    "/v1/units/$P1A_UNIT/ledger?format=hledger"
    "/v1/public/units/$P1A_UNIT/summary"
)
read_ok=1
read_detail=
for path in "${read_paths[@]}"; do
    out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' --max-time 60 \
        -H "Authorization: Bearer $(cat "$WORK/p1a.token")" "$LB$path" 2>/dev/null || echo "000 0")
    read -r status bytes <<<"$out"
    [ "$status" = 200 ] || read_ok=0
    label=${path%%\?*}
    label=${label/$P1A_UNIT/\{id\}}
    if [[ $path == *format=* ]]; then label+=" ${path##*format=} ($((bytes / 1024)) KiB)"; fi
    read_detail+="${read_detail:+, }$label $status"
done
result "read paths answer from the standby (exports, reports, registers, public)" "$(verdict "$read_ok")" \
    "$read_detail"

# ---------------------------------------------------------------- the races
step "idempotency: $RACE_KEYS keys, each sent to both replicas at once"
$PROBES --results "$RESULTS" --report "$WORK/race.json" --ids-out "$WORK/race.ids" idempotency-race \
    --base-a "${APP[0]}" --base-b "${APP[1]}" --targets "$WORK/race.targets" --keys "$RACE_KEYS" \
    || result "idempotency race ran" FAIL "deploy_probes idempotency-race failed"
RACE_UNIT=$(awk '{ print $1; exit }' "$WORK/race.targets")
CHECK_PORT=$PRIMARY_PORT
race_rows=$(psql_db "$DB" -c "SELECT count(*) FROM donations WHERE unit_id = '$RACE_UNIT'")
result "idempotency race: one donation per key in the database" "$(verdict "$([ "$race_rows" = "$RACE_KEYS" ] && echo 1)")" \
    "$race_rows donations in the race's fund for $RACE_KEYS keys"

step "approvals: $((AFFORDABLE * 4)) approvals at once through both replicas, $AFFORDABLE affordable"
$PROBES --results "$RESULTS" --report "$WORK/approvals.json" --ids-out "$WORK/approvals.ids" approvals-race \
    --base-a "${APP[0]}" --base-b "${APP[1]}" --unit "$GRANTS_UNIT" --officer-token-file "$WORK/officer.token" \
    --approver-token-file "$WORK/approver.token" --affordable "$AFFORDABLE" --amount "$GRANT" \
    --primary-url "$DATABASE_URL" \
    || result "approvals race ran" FAIL "deploy_probes approvals-race failed"

# ---------------------------------------------------------------- the books
step "checks: every R1 check on the primary, the ledger checks on the replica"
ERRORS_LOGGED=$(cat "$WORK"/service-*.log | grep -c -E '"level":"ERROR"' || true)
stop_pid "$LB_PID"
LB_PID=
stop_apps
touch "$WORK/load.ids" "$WORK/ryw.ids" "$WORK/race.ids" "$WORK/approvals.ids"
orphans=$(db_checks primary "$WORK/load.ids" "$WORK/ryw.ids" "$WORK/race.ids" "$WORK/approvals.ids")
result "primary: every donation got its 201" "$(verdict "$([ "$orphans" -le "${LOST:-0}" ] && echo 1)")" \
    "$orphans donations without a 201 (requests lost in transport, which may have committed: ${LOST:-0})"
result "the services logged no errors" "$(verdict "$([ "$ERRORS_LOGGED" = 0 ] && echo 1)")" \
    "$ERRORS_LOGGED ERROR lines in service-1.log and service-2.log"
if "$BIN" ledger verify >"$WORK/verify.log" 2>&1; then
    result "seal chains verify (doanket ledger verify)" ok \
        "$(awk '/ ok: / { n++; e += $3 } END { printf "%d funds ok, %d entries", n, e }' "$WORK/verify.log")"
else
    result "seal chains verify (doanket ledger verify)" FAIL "$(tail -3 "$WORK/verify.log" | tr '\n' ' ' | cut -c1-300)"
fi
# the same books on the replica once it has replayed everything, sealing included
fingerprint() { # port
    psql_at "$1" "$DB" -c "SELECT concat_ws(' ', (SELECT count(*) FROM donations), (SELECT sum(amount_vnd) FROM donations),
        (SELECT count(*) FROM postings), (SELECT sum(amount) FROM postings), (SELECT count(*) FROM journal_seals),
        (SELECT count(*) FROM disbursements WHERE status = 'approved'),
        (SELECT md5(string_agg(encode(chain_hash, 'hex'), '' ORDER BY unit_id, seq)) FROM journal_seals))"
}
if replica_caught_up; then
    CHECK_PORT=$REPLICA_PORT
    ledger_checks replica
    CHECK_PORT=$PRIMARY_PORT
    on_primary=$(fingerprint "$PRIMARY_PORT")
    on_replica=$(fingerprint "$REPLICA_PORT")
    read -r n_don _ n_post _ n_seals n_appr _ <<<"$on_primary"
    result "replica: the same books as the primary" "$(verdict "$([ "$on_primary" = "$on_replica" ] && echo 1)")" \
        "$n_don donations, $n_post postings, $n_seals seals, $n_appr approved grants, seal chains' digest $(awk '{ print substr($7, 1, 12) }' <<<"$on_primary")… on both$([ "$on_primary" = "$on_replica" ] || echo "; replica: $on_replica")"
else
    result "replica: caught up with the primary" FAIL "not within 30 s of the end"
fi

# ---------------------------------------------------------------- summary
step "summary"
LAG=$(python3 - "$WORK/ryw.json" <<'PY' 2>/dev/null || echo "not measured"
import json, sys
r = json.load(open(sys.argv[1]))
l = r["replay_lag_ms"]
print(f"replay lag p50 {l['p50']:.1f} ms, p99 {l['p99']:.1f} ms, max {l['max']:.1f} ms; "
      f"{r['stale_donation_reads']} stale donation reads and {r['stale_balance_reads']} stale balances "
      f"in {r['probes']} read-backs, {r['beyond_lag_pages']} older than the lag reported")
PY
)
echo "through the balancer: $TPUT donations/s, p50 $P50 ms, p99 $P99 ms, errors $ERRORS; replica: $LAG"
echo "logs: $WORK (service-1.log, service-2.log, haproxy.log, postgres-primary.log, postgres-replica.log, *.json)"
if [ "$ERRORS_LOGGED" -gt 0 ]; then
    echo "first errors the services logged:"
    cat "$WORK"/service-*.log | grep -E '"level":"ERROR"' | head -5 | cut -c1-500
fi
fails=$(awk -F'\t' '$2 != "ok"' "$RESULTS" | wc -l)
awk -F'\t' '{ printf "  %-4s %-70s %s\n", $2, $1, $3 }' "$RESULTS"
echo "deploy-check: $(awk 'END { print NR }' "$RESULTS") checks, $fails failed, in $((SECONDS - started)) s"
[ "$fails" -eq 0 ]
