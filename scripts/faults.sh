#!/usr/bin/env bash
# The fault tests of quality.md, R1 and R2, in one command (README.md, "Fault tests"):
#   scripts/faults.sh
#
# Builds the release binaries (FAULTS_PROFILE=debug: debug ones, next to the tests'), starts a
# private PostgreSQL cluster (fsync on) on a free port in target/faults/pg, creates the
# database, the 2026 unit list and one officer+accountant of province 20, serves the API on a
# free loopback port, then:
#   R1  16 clients record donations for 20 s; after 6 s the service is killed with SIGKILL and
#       restarted 1 s later. Every 201 must exist exactly once, receipts stay gapless, every
#       entry and every fund balances; donations committed whose 201 was lost in the kill are
#       counted (at most one per client: the requests in flight).
#   R2  the same load; after 5 s the cluster stops (`pg_ctl stop -m fast`) for 10 s while
#       GET /readyz and POST /v1/donations are probed every 200 ms: the first 503 must come
#       within 2 s of the stop, every answer while it is down must be a 503 within 2 s (no 500),
#       and after `pg_ctl start` the same service (not restarted) must answer 201 again.
#       Then the same database checks.
# Prints the table of what held; exit 0 when everything held, 1 otherwise. Every loop is
# bounded; all traffic goes to 127.0.0.1. The system PostgreSQL is never touched.
# Needs the PostgreSQL server binaries (initdb, pg_ctl), psql, curl, openssl and python3.
# FAULTS_KEEP=1 keeps the cluster and the tokens for a look afterwards.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

CLIENTS=${FAULTS_CLIENTS:-16}
LOAD_SECS=${FAULTS_LOAD_SECS:-20}
KILL_AFTER=${FAULTS_KILL_AFTER_SECS:-6}
STOP_AFTER=${FAULTS_STOP_AFTER_SECS:-4}
DOWN_SECS=${FAULTS_DOWN_SECS:-10}
DB_TIMEOUT_MS=${FAULTS_DB_TIMEOUT_MS:-1000}
UNIT_CODE=20
# release (default) or debug: CI takes the debug binaries its tests already built
PROFILE=${FAULTS_PROFILE:-release}
case $PROFILE in release | debug) ;; *) echo "faults: FAULTS_PROFILE is release or debug" >&2; exit 1 ;; esac

WORK=$repo/target/faults
started=$SECONDS
step() { printf '\n=== faults: %s (%ds)\n' "$*" "$((SECONDS - started))"; }
die() { echo "faults: $*" >&2; exit 1; }
# microseconds since the epoch, without a subprocess
us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (a - b) / 1e6 }'; } # (a - b) in s

for tool in psql curl openssl python3; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
PG_BIN=
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r) /usr/local/pgsql/bin /usr/local/bin /usr/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then PG_BIN=$dir; break; fi
done
[ -n "$PG_BIN" ] || die "needs the PostgreSQL server binaries (initdb, pg_ctl)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# initdb refuses to run as root: the cluster then runs as `postgres` (or nobody)
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
        PG_ROOT=$(mktemp -d /tmp/doanket-faults-pg.XXXXXX)
        chown "${RUNAS[2]}" "$PG_ROOT"
    fi
fi
PG_DATA=$PG_ROOT/data
PG_LOG=$PG_ROOT/server.log
PG_PORT=$(free_port)
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
DB=doanket_faults

pg_ctl_() { run_as "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@"; }
pg_start() {
    pg_ctl_ -l "$PG_LOG" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories='' -c max_connections=200 -c fsync=on" \
        >/dev/null || { tail -20 "$PG_LOG" >&2; die "PostgreSQL did not start"; }
}
psql_db() { psql -w -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -Atq -d "$@"; }

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    [ -z "$SERVER_PID" ] || wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
BG_PIDS=()
cleanup() {
    local rc=$?
    for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    stop_server
    if [ -f "$PG_DATA/postmaster.pid" ]; then pg_ctl_ -m fast -w stop >/dev/null 2>&1 || true; fi
    [ -f "$PG_LOG" ] && cp "$PG_LOG" "$WORK/postgres.log" 2>/dev/null || true
    if [ "${FAULTS_KEEP:-0}" != 1 ]; then
        rm -rf "$PG_ROOT"
        rm -f "$WORK"/*.targets "$WORK"/jwt.pem "$WORK"/password "$WORK"/probe.headers "$WORK"/probe-*.json "$WORK"/probe-*.out
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

target_dir=${CARGO_TARGET_DIR:-$repo/target}
if [ "$PROFILE" = release ]; then
    step "build (release)"
    cargo build --release --bins --examples
else
    # after scripts/test.sh this only links: the library is the one the tests compiled
    step "build (debug)"
    cargo build --bins --examples
fi
BIN=$target_dir/$PROFILE/doanket
LOADGEN="$target_dir/$PROFILE/examples/loadgen --threads 1"

step "private PostgreSQL ($("$PG_BIN/postgres" --version)) in $PG_ROOT on port $PG_PORT"
run_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1 \
    || run_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$PG_ROOT/initdb.log" 2>&1 \
    || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
pg_start
[ "$(psql_db postgres -c 'SHOW fsync')" = on ] || die "fsync is not on"

openssl genpkey -algorithm ed25519 -out "$WORK/jwt.pem" 2>/dev/null
PASSWORD="faults-$(openssl rand -hex 12)"
printf '%s' "$PASSWORD" >"$WORK/password"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB"
unset DATABASE_READ_URL
export DOANKET_BIND=127.0.0.1:$PORT
export DOANKET_LOG_FORMAT=json
export RUST_LOG=warn
export DOANKET_JWT_KEY_FILES=$WORK/jwt.pem
export DOANKET_ACCESS_TOKEN_TTL_SECS=7200
export DOANKET_SIGNIN_PER_MINUTE_PER_USER=100000
export DOANKET_SIGNIN_PER_MINUTE_PER_IP=100000
# a request waits at most this long for a connection before answering 503
export DOANKET_DB_TIMEOUT_MS=$DB_TIMEOUT_MS
LOG=$WORK/service.log
: >"$LOG"

start_server() {
    echo "--- faults: serve $(date -u +%T.%N)" >>"$LOG"
    "$BIN" serve >>"$LOG" 2>&1 &
    SERVER_PID=$!
}
wait_ready() { # prints the seconds it took
    local t0
    t0=$(us)
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null --max-time 3 "$BASE/readyz" 2>/dev/null; then
            secs "$(us)" "$t0"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$LOG" >&2; die "the service exited"; }
        sleep 0.1
    done
    die "the service did not become ready in 30 s"
}

step "seed: database, units, user, bank account"
"$BIN" migrate
"$BIN" units import data/units/vn-admin-units-2026.csv >/dev/null
printf '%s' "$PASSWORD" | "$BIN" users create --username faults.officer --password-stdin \
    --full-name "Cán bộ kiểm thử sự cố" --role "officer@$UNIT_CODE" --role "accountant@$UNIT_CODE" >/dev/null
echo "faults faults.officer $UNIT_CODE" >"$WORK/plan"
start_server
wait_ready >/dev/null
$LOADGEN setup --base "$BASE" --password-file "$WORK/password" --plan "$WORK/plan" --out-dir "$WORK"
read -r UNIT_ID BANK_ID TOKEN <"$WORK/faults.targets"
printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$TOKEN" >"$WORK/probe.headers"

RESULTS=$WORK/results.tsv
: >"$RESULTS"
result() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; } # name ok|FAIL detail
verdict() { if [ "$1" = 1 ]; then echo ok; else echo FAIL; fi; }

load() { # name; runs in the background, sets LOAD_PID
    $LOADGEN donations --base "$BASE" --name "$1" --targets "$WORK/faults.targets" --clients "$CLIENTS" \
        --warmup-secs 0 --duration-secs "$LOAD_SECS" --timeout-secs 5 \
        --ids-out "$WORK/$1.ids" --report "$WORK/$1.json" >"$WORK/$1.loadgen.log" 2>&1 &
    LOAD_PID=$!
    BG_PIDS+=("$LOAD_PID")
}
load_figures() { # name → "201s errors-by-kind"
    python3 - "$WORK/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
errs = ", ".join(f"{k}: {v}" for k, v in r["errors_by_status"].items()) or "none"
print(f"{r['ids_recorded']} 201s of {r['requests_total']} requests; errors {errs}")
PY
}

# db_checks: the database against every 201 so far (shared with scripts/deploy-check.sh)
# shellcheck source=scripts/lib/checks.sh
source "$repo/scripts/lib/checks.sh"

# ---------------------------------------------------------------- R1
step "R1: $CLIENTS clients for ${LOAD_SECS}s; SIGKILL after ${KILL_AFTER}s, restart 1 s later"
from=$(($(wc -l <"$LOG") + 1))
load R1
sleep "$KILL_AFTER"
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
echo "--- faults: SIGKILL $(date -u +%T.%N)" >>"$LOG"
sleep 1
start_server
ready_secs=$(wait_ready)
echo "R1: killed; restarted, ready ${ready_secs}s after the restart"
r1_load_ok=1
wait "$LOAD_PID" || r1_load_ok=0
[ "$r1_load_ok" = 1 ] || { cat "$WORK/R1.loadgen.log"; }
R1_FIGURES=$(load_figures R1 2>/dev/null || echo "no report")
result "R1: load ran to its end" "$(verdict "$r1_load_ok")" "$R1_FIGURES"
result "R1: the service restarted on the same port" ok "ready ${ready_secs}s after the restart (1 s after the kill)"
r1_201=$(wc -l <"$WORK/R1.ids")
[ "$r1_201" -gt 0 ] || result "R1: donations recorded" FAIL "no 201 at all"
r1_orphans=$(db_checks R1 "$WORK/R1.ids")
result "R1: donations committed whose 201 was lost <= clients" "$(verdict "$([ "$r1_orphans" -le "$CLIENTS" ] && echo 1)")" \
    "$r1_orphans (the requests in flight at the kill; at most $CLIENTS)"
R1_PROBLEMS=$(tail -n "+$from" "$LOG" | grep -c -E '"level":"ERROR"' || true)

# ---------------------------------------------------------------- R2
step "R2: $CLIENTS clients for ${LOAD_SECS}s; PostgreSQL stops after $((STOP_AFTER + 1))s for ${DOWN_SECS}s"
from=$(($(wc -l <"$LOG") + 1))
# one probe: prints "status time_total"; a 201's id goes to probe-<tag>.ids
probe() { # readyz|donation tag
    local out status secs
    if [ "$1" = readyz ]; then
        out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --max-time 3 "$BASE/readyz" 2>/dev/null || true)
    else
        printf '{"unit_id":"%s","channel":"bank_transfer","amount":"500000","donor":{"kind":"individual","name":"Nguyễn Văn An"},"public_display":"name","bank_account_id":"%s","bank_reference":"FAULT%s%s"}' \
            "$UNIT_ID" "$BANK_ID" "$2" "$(us)" >"$WORK/probe-$2.json"
        out=$(curl -sS -o "$WORK/probe-$2.out" -w '%{http_code} %{time_total}' --max-time 3 -H @"$WORK/probe.headers" \
            --data-binary @"$WORK/probe-$2.json" "$BASE/v1/donations" 2>/dev/null || true)
    fi
    read -r status secs <<<"${out:-000 3}"
    if [ "$1" = donation ] && [ "$status" = 201 ]; then
        python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/probe-$2.out" >>"$WORK/probe-$2.ids"
    fi
    echo "$status ${secs:-3}"
}
# every 200 ms until the flag file goes: "kind sent_us status time_total" per probe
probe_loop() { # kind flag
    local sent
    while [ -f "$2" ]; do
        sent=$(us)
        echo "$1 $sent $(probe "$1" "$1")" >>"$WORK/probes-$1.txt"
        sleep 0.2
    done
}
: >"$WORK/probe-donation.ids"
: >"$WORK/probe-recovery.ids"
load R2
sleep "$STOP_AFTER"
flag=$WORK/probing
touch "$flag"
for kind in readyz donation; do
    : >"$WORK/probes-$kind.txt"
    probe_loop "$kind" "$flag" &
    BG_PIDS+=($!)
done
sleep 1 # a second of answers from before the stop
stop_t0=$(us)
echo "--- faults: pg_ctl stop $(date -u +%T.%N)" >>"$LOG"
pg_ctl_ -m fast -w -t 30 stop >/dev/null
stopped_at=$(us)
echo "R2: PostgreSQL stopped ($(secs "$stopped_at" "$stop_t0") s for pg_ctl stop); down for ${DOWN_SECS}s"
sleep "$DOWN_SECS"
rm -f "$flag"
wait "${BG_PIDS[@]: -2}" 2>/dev/null || true
echo "--- faults: pg_ctl start $(date -u +%T.%N)" >>"$LOG"
start_t0=$(us)
pg_start
started_at=$(us)
echo "R2: PostgreSQL started again ($(secs "$started_at" "$start_t0") s for pg_ctl start)"
# the same service must answer 201 again by itself
recovered=
for _ in $(seq 1 150); do
    read -r status _ < <(probe donation recovery)
    if [ "$status" = 201 ]; then recovered=$(us); break; fi
    sleep 0.2
done
r2_load_ok=1
wait "$LOAD_PID" || r2_load_ok=0
[ "$r2_load_ok" = 1 ] || { cat "$WORK/R2.loadgen.log"; }
kill -0 "$SERVER_PID" 2>/dev/null && same_process=1 || same_process=0
R2_FIGURES=$(load_figures R2 2>/dev/null || echo "no report")
result "R2: load ran to its end" "$(verdict "$r2_load_ok")" "$R2_FIGURES"
cat "$WORK/probes-readyz.txt" "$WORK/probes-donation.txt" >"$WORK/probes.txt"
python3 - "$WORK/probes.txt" "$stop_t0" "$stopped_at" "$start_t0" "$RESULTS" <<'PY'
import sys
path, results = sys.argv[1], sys.argv[5]
stop_t0, stopped_at, start_t0 = (int(x) / 1e6 for x in sys.argv[2:5])
# (kind, sent, status, seconds) with times in seconds since `pg_ctl stop` began
rows = [(k, int(t) / 1e6 - stop_t0, s, float(d)) for k, t, s, d in (l.split() for l in open(path))]
stopped = stopped_at - stop_t0
out = open(results, "a")
def res(name, ok, detail):
    out.write(f"{name}\t{'ok' if ok else 'FAIL'}\t{detail}\n")
for kind in ("readyz", "donation"):
    d = sorted(r for r in rows if r[0] == kind and r[1] >= 0)
    # the first 503 answer after the stop began, measured when it arrived
    first = next((r for r in d if r[2] == "503"), None)
    t = first[1] + first[3] if first else None
    res(f"R2: {kind}: first 503 within 2 s of the stop", t is not None and t <= 2.0,
        f"{t:.2f} s after `pg_ctl stop` began (the stop itself took {stopped:.2f} s)" if t is not None else "no 503 at all")
    down = [r for r in d if r[1] >= stopped]  # sent while the database was down
    bad = [r for r in down if r[2] != "503"]
    slow = [r for r in down if r[3] > 2.0]
    statuses = {}
    for r in down:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    res(f"R2: {kind}: only 503s, each within 2 s, while down", bool(down) and not bad and not slow,
        f"{len(down)} probes: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        + f"; slowest {max((r[3] for r in down), default=0):.2f} s")
fives = [r for r in rows if r[2].startswith("5") and r[2] != "503"]
res("R2: no 5xx other than 503 from the probes", not fives,
    f"{len(fives)} of {len(rows)} probes (from 1 s before the stop to the restart)")
PY
if [ -n "$recovered" ]; then
    result "R2: recovered by itself (201 again, same process)" "$(verdict "$same_process")" \
        "first 201 $(secs "$recovered" "$started_at") s after PostgreSQL was back"
else
    result "R2: recovered by itself (201 again, same process)" FAIL "no 201 within 30 s of PostgreSQL being back"
fi
r2_500=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors_by_status"].get("500", 0))' "$WORK/R2.json" 2>/dev/null || echo "?")
result "R2: no 500 in the load" "$(verdict "$([ "$r2_500" = 0 ] && echo 1)")" "$r2_500 answers 500"
r2_orphans=$(db_checks R2 "$WORK/R1.ids" "$WORK/R2.ids" "$WORK/probe-donation.ids" "$WORK/probe-recovery.ids")
r2_orphans=$((r2_orphans - r1_orphans))
result "R2: donations committed whose 201 was lost <= clients" "$(verdict "$([ "$r2_orphans" -le "$((CLIENTS + 1))" ] && echo 1)")" \
    "$r2_orphans (in flight when the connections were cut; at most $((CLIENTS + 1)) with the probe)"
R2_ERRORS=$(tail -n "+$from" "$LOG" | grep -c -E '"level":"ERROR"' || true)

step "seal chains (doanket ledger verify)"
stop_server
if "$BIN" ledger verify >"$WORK/verify.log" 2>&1; then
    result "seal chains verify after both faults" ok "$(tail -1 "$WORK/verify.log" | cut -c1-200)"
else
    result "seal chains verify after both faults" FAIL "$(tail -3 "$WORK/verify.log" | tr '\n' ' ' | cut -c1-300)"
fi

step "summary"
echo "service log: $LOG ($R1_PROBLEMS errors logged in R1, $R2_ERRORS in R2); postgres log: $WORK/postgres.log"
if [ "$R2_ERRORS" -gt 0 ] || [ "$R1_PROBLEMS" -gt 0 ]; then
    echo "first errors the service logged:"
    grep -E '"level":"ERROR"' "$LOG" | head -5 | cut -c1-500
fi
fails=$(awk -F'\t' '$2 != "ok"' "$RESULTS" | wc -l)
awk -F'\t' '{ printf "  %-4s %-58s %s\n", $2, $1, $3 }' "$RESULTS"
echo "faults: $(awk 'END { print NR }' "$RESULTS") checks, $fails failed, in $((SECONDS - started)) s"
[ "$fails" -eq 0 ]
