#!/usr/bin/env bash
# The benchmark of quality.md, P1a/P1b/P2/P3/P4/P5, the Tết batch and P9, in one command (bench/README.md explains it):
#   bench/run.sh                  everything, P9 last
#   BENCH_ONLY=p1 bench/run.sh    P1a + P2, P1b and the reads alone
#   BENCH_ONLY=p4 bench/run.sh    P3 + P4 alone (with P4's baseline), on the bench user and bank
#                                 account they need
#   BENCH_ONLY=p9 bench/run.sh    P9 alone (the whole reform, on a database of its own)
# Builds the release binary, serves it against a fresh database on a free loopback port, seeds
# the 2026 unit list, bench users and bank accounts, measures both pgbench ceilings on a clone
# of the seeded database, drives the HTTP load (P1a with P2 readers, then P1b), runs the Tết
# batch, the P3 statement import, P4 (donations from its credit lines) and P5 (ledger exports of a
# fund of 1,000,000 postings with the server's memory), checks the database, prints the summary and writes it
# to target/bench/results-<timestamp>.json. P9 (the whole 2025 reform) runs last, on a database of
# its own, with its own checks and summary (bench/README.md, "P9").
# Exit 0: all bars met; 1: errors, failed checks or a broken run; 2: correct but bars missed.
# Every loop is bounded; all traffic goes to 127.0.0.1. Needs PostgreSQL on 127.0.0.1:5432
# (user postgres, no password), pgbench, psql, curl and openssl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

WARMUP=${BENCH_WARMUP_SECS:-5}
DURATION=${BENCH_DURATION_SECS:-30}
CLIENTS=${BENCH_CLIENTS:-32}
READERS=${BENCH_READERS:-4}
PGBENCH_SECS=${BENCH_PGBENCH_SECS:-20}
PGBENCH_CLIENTS=${BENCH_PGBENCH_CLIENTS:-16}
P1B_UNITS=100
TET_HOUSEHOLDS=${BENCH_TET_HOUSEHOLDS:-5000}
P3_LINES=${BENCH_P3_LINES:-200000}
P5_POSTINGS=${BENCH_P5_POSTINGS:-1000000}
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
# BENCH_ONLY=p1 stops after P1a + P2, P1b and the reads alone (then checks and summary);
# BENCH_ONLY=p4 seeds only bench.p1a and its bank account, then runs P3 + P4 and P4's baseline
# (then checks and summary); BENCH_ONLY=p9 runs P9 alone
ONLY=${BENCH_ONLY:-all}
case $ONLY in all | p1 | p4 | p9) ;; *) echo "bench: BENCH_ONLY is all, p1, p4 or p9" >&2; exit 1 ;; esac
P9_BAR_SECS=600
P2_ALONE_SECS=${BENCH_P2_ALONE_SECS:-15}

TS=$(date -u +%Y%m%d_%H%M%S)
DB=doanket_bench_$TS
SCRATCH=${DB}_pgbench
DB9=${DB}_p9
WORK=target/bench/$TS
RESULTS=target/bench/results-$TS.json
mkdir -p "$WORK"
started=$SECONDS
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
step() { printf '\n=== bench: %s (%ds)\n' "$*" "$((SECONDS - started))"; }
die() { echo "bench: $*" >&2; exit 1; }

psql_db() { psql -w -X -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -Atq -d "$@"; }

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        # graceful shutdown waits up to 30 s for in-flight requests
        for _ in $(seq 1 350); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
cleanup() {
    local rc=$?
    stop_server
    if [ "${BENCH_KEEP_DB:-0}" = 1 ]; then
        echo "bench: kept databases $DB and $DB9 (BENCH_KEEP_DB=1)"
    else
        psql_db postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
        psql_db postgres -c "DROP DATABASE IF EXISTS \"$DB9\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    psql_db postgres -c "DROP DATABASE IF EXISTS \"$SCRATCH\" WITH (FORCE)" >/dev/null 2>&1 || true
    # tokens and the signing key of a dropped database are of no use to anyone; remove them anyway
    [ "${BENCH_KEEP_DB:-0}" = 1 ] || rm -f "$WORK"/*.targets "$WORK"/jwt.pem "$WORK"/password "$WORK"/p3.headers "$WORK"/p4.headers "$WORK"/p5.headers "$WORK"/p9.tokens
    rm -f "$WORK"/p3.csv "$WORK"/p5.csv "$WORK"/p5.hledger "$WORK"/p5.jsonl "$WORK"/p5.xlsx
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in psql pgbench curl openssl; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
psql_db postgres -c 'SELECT 1' >/dev/null || die "no PostgreSQL on $PG_HOST:$PG_PORT for user $PG_USER"

step "build (release)"
cargo build --release --bins --examples
BIN=target/release/doanket
LOADGEN="target/release/examples/loadgen --threads 1"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
openssl genpkey -algorithm ed25519 -out "$WORK/jwt.pem" 2>/dev/null
PASSWORD="bench-$(openssl rand -hex 12)"
printf '%s' "$PASSWORD" >"$WORK/password"

export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$DB"
export DOANKET_BIND=127.0.0.1:$PORT
export DOANKET_LOG_FORMAT=json
export RUST_LOG=warn
export DOANKET_JWT_KEY_FILES=$WORK/jwt.pem
export DOANKET_ACCESS_TOKEN_TTL_SECS=7200
export DOANKET_SIGNIN_PER_MINUTE_PER_USER=100000
export DOANKET_SIGNIN_PER_MINUTE_PER_IP=100000
unset DATABASE_READ_URL

start_server() {
    "$BIN" serve >>"$WORK/service.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/service.log"; die "the service exited"; }
        sleep 0.1
    done
    die "the service did not become ready in 30 s"
}

# Warnings and errors the service logged since the given line of its log.
log_problems() {
    local from=$1 label=$2 n
    n=$(tail -n "+$from" "$WORK/service.log" | grep -c -E '"level":"(WARN|ERROR)"' || true)
    if [ "$n" -gt 0 ]; then
        echo "$label: the service logged $n warnings/errors; the first ones:"
        tail -n "+$from" "$WORK/service.log" | grep -E '"level":"(WARN|ERROR)"' | head -5 | cut -c1-600
    fi
}
log_line() { echo $(($(wc -l <"$WORK/service.log") + 1)); }

# P9, the whole 2025 reform (bench/README.md, "P9"), on a database of its own. Seeds the 2025-03
# tree with money in every fund (not timed as P9), then times the 2026 list, the succession
# file and the bulk rounds at TW; checks, prints and writes $WORK/p9.json. Returns 0, 1 (a failed
# check or a broken step) or 2 (correct, the 10-minute bar missed).
run_p9() {
    local p9="python3 bench/p9.py --base $BASE --db $DB9 --work $WORK --password-file $WORK/password --bin $BIN"
    local t0 seed_started p9_started from succ verify_rc=0 sealed_started
    export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$DB9"

    step "P9 seed: database $DB9, the 2025-03 tree, users"
    seed_started=$SECONDS
    "$BIN" migrate
    if [ -n "${BENCH_PG_LOG_MIN_DURATION_MS:-}" ]; then
        # profiling, as for the main database: statements slower than this go to PostgreSQL's log
        psql_db postgres -c "ALTER DATABASE \"$DB9\" SET log_min_duration_statement = ${BENCH_PG_LOG_MIN_DURATION_MS}"
    fi
    t0=$(date +%s%N)
    "$BIN" units import data/units/vn-admin-units-2025-03.csv
    P9_IMPORT_2025_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
    $p9 users

    step "P9 seed: campaigns over HTTP, bank accounts and donations through record_donation, grants over HTTP"
    from=$(log_line)
    start_server
    $p9 setup
    local actor roles
    read -r actor roles < <(psql_db "$DB9" -F ' ' -c "SELECT u.id, json_agg(json_build_object('role', r.role, 'unit_id', r.unit_id, 'unit_code', n.code)) FROM users u JOIN role_assignments r ON r.user_id = u.id JOIN units n ON n.id = r.unit_id WHERE u.username = 'bench.p9.seed.0' GROUP BY u.id")
    psql_db "$DB9" -v actor="$actor" -v roles="$roles" -f bench/p9-seed.sql
    $p9 grants
    # the reform starts from sealed books: the sealer catches up first (not timed as P9)
    for _ in $(seq 1 1200); do
        [ "$(psql_db "$DB9" -c 'SELECT count(*) FROM seal_queue')" -eq 0 ] && break
        sleep 0.5
    done
    # a fresh database filled in two minutes has no statistics yet (autovacuum has not come by);
    # the books of a running installation have them
    psql_db "$DB9" -c "VACUUM ANALYZE" >/dev/null
    psql_db "$DB9" -F $'\t' -f bench/p9-totals.sql >"$WORK/p9-totals-before.tsv"
    psql_db "$DB9" -c "SELECT count(*) FROM postings" >"$WORK/p9-postings-before"
    P9_SEED_SECS=$((SECONDS - seed_started))
    psql_db "$DB9" -c CHECKPOINT >/dev/null
    log_problems "$from" "P9 seed"
    echo "P9 seed: $(psql_db "$DB9" -c "SELECT count(*) FROM donations") donations, $(cat "$WORK/p9-postings-before") postings in $P9_SEED_SECS s"

    step "P9: the 2026 list, the succession file, plan + approve-all + execute-all at TW (timed)"
    from=$(log_line)
    p9_started=$(date +%s%N)
    t0=$(date +%s%N)
    "$BIN" units import data/units/vn-admin-units-2026.csv
    P9_IMPORT_2026_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
    # the file as published; when the import refuses lines (it names them and records nothing),
    # the check "succession file imported whole" fails and the rest is imported, so the reform's
    # cost is still measured
    succ=data/units/vn-unit-successions-2025-07.csv
    t0=$(date +%s%N)
    if ! "$BIN" units successions "$succ" 2>"$WORK/p9-successions.err"; then
        cat "$WORK/p9-successions.err" >&2
        grep -o "^$succ:[0-9]*:" "$WORK/p9-successions.err" | cut -d: -f2 | sort -u >"$WORK/p9-successions.refused"
        [ -s "$WORK/p9-successions.refused" ] || die "the succession import failed"
        awk 'NR == FNR { skip[$1] = 1; next } !(FNR in skip)' "$WORK/p9-successions.refused" "$succ" \
            >"$WORK/p9-successions.csv"
        echo "P9: the import refused $(wc -l <"$WORK/p9-successions.refused") lines; importing the other $(( $(wc -l <"$WORK/p9-successions.csv") - 1 ))"
        "$BIN" units successions "$WORK/p9-successions.csv"
    else
        : >"$WORK/p9-successions.refused"
    fi
    P9_SUCCESSIONS_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
    psql_db "$DB9" -F $'\t' -c "SELECT id, code, tier FROM units WHERE status = 'dissolving'" >"$WORK/p9-dissolving.tsv"
    $p9 rounds
    P9_MS=$(( ($(date +%s%N) - p9_started) / 1000000 ))
    log_problems "$from" P9
    echo "P9: $((P9_MS / 1000)) s"

    step "P9 checks: trial balances, seal chains, national totals, dissolving units"
    sealed_started=$SECONDS
    for _ in $(seq 1 2400); do
        [ "$(psql_db "$DB9" -c 'SELECT count(*) FROM seal_queue')" -eq 0 ] && break
        sleep 0.5
    done
    P9_SEAL_SECS=$((SECONDS - sealed_started))
    stop_server
    # statistics for the checks and the verification (the rounds added a third of the rows)
    psql_db "$DB9" -c "ANALYZE" >/dev/null
    psql_db "$DB9" -F $'\t' -c "SELECT id, code, tier, status FROM units" >"$WORK/p9-units-after.tsv"
    psql_db "$DB9" -F $'\t' -f bench/p9-totals.sql >"$WORK/p9-totals-after.tsv"
    psql_db "$DB9" -c "SELECT count(*) FROM postings" >"$WORK/p9-postings-after"
    psql_db "$DB9" -F $'\t' -c "SELECT status, count(*) FROM handovers GROUP BY status ORDER BY status" >"$WORK/p9-handovers.tsv"
    psql_db "$DB9" -F $'\t' -f bench/p9-checks.sql >"$WORK/p9-checks.tsv"
    t0=$(date +%s%N)
    "$BIN" ledger verify >"$WORK/p9-verify.txt" 2>&1 || verify_rc=$?
    P9_VERIFY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))

    step "P9 baseline: the P4 baseline per posting (plain INSERT … SELECT of balanced entries)"
    # as many postings as P9 wrote (at most 400,000), two per entry, cash against donation income
    # in TW's fund, each table filled by one plain statement in one transaction with every ledger
    # trigger running (as P5's seed); after the checks, so it changes nothing they saw
    local postings entries tw tw_user
    postings=$(( $(cat "$WORK/p9-postings-after") - $(cat "$WORK/p9-postings-before") ))
    entries=$(( postings / 2 < 200000 ? postings / 2 : 200000 ))
    [ "$entries" -ge 1 ] || entries=1
    tw=$(psql_db "$DB9" -c "SELECT id FROM units WHERE code = 'TW'")
    tw_user=$(psql_db "$DB9" -c "SELECT id FROM users WHERE username = 'bench.p9.accountant'")
    t0=$(date +%s%N)
    psql_db "$DB9" >/dev/null <<SQL
BEGIN;
CREATE TEMP TABLE p9b ON COMMIT DROP AS SELECT uuid_generate_v7() AS id, g FROM generate_series(1, $entries) g;
INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description, created_by)
  SELECT p9b.id, '$tw', date '2025-06-01' + (g % 29), 'manual', 'Bench P9 baseline ' || g, '$tw_user' FROM p9b;
INSERT INTO postings (entry_id, account_id, side, amount)
  SELECT p9b.id, a.id, s.side, 100000 + (g % 1000) * 1000
    FROM p9b CROSS JOIN (VALUES ('debit', '1111'), ('credit', '5111')) s (side, code)
    JOIN accounts a ON a.unit_id = '$tw' AND a.code = s.code;
COMMIT;
SQL
    P9_BASELINE_MS=$(( ($(date +%s%N) - t0) / 1000000 ))

    python3 bench/p9.py report --base "$BASE" --db "$DB9" --work "$WORK" \
        --timings "import_2025_ms=$P9_IMPORT_2025_MS seed_s=$P9_SEED_SECS import_2026_ms=$P9_IMPORT_2026_MS successions_ms=$P9_SUCCESSIONS_MS p9_ms=$P9_MS seal_catch_up_s=$P9_SEAL_SECS verify_ms=$P9_VERIFY_MS verify_rc=$verify_rc baseline_ms=$P9_BASELINE_MS baseline_postings=$((entries * 2)) bar_s=$P9_BAR_SECS"
}

# in a subshell of its own so `set -e` holds inside (it does not in `run_p9 || …`), stopping its
# server whatever happens
run_p9_sub() { (set -e; trap stop_server EXIT; run_p9); }

if [ "$ONLY" = p9 ]; then
    : >"$WORK/service.log"
    set +e
    run_p9_sub
    rc=$?
    set -e
    echo "bench: done in $((SECONDS - started)) s; logs in $WORK"
    exit "$rc"
fi

step "seed: database $DB, units, users"
: >"$WORK/service.log"
"$BIN" migrate
"$BIN" units import data/units/vn-admin-units-2026.csv
P1A_CODE=20
mapfile -t COMMUNES < <(awk -F, 'NR > 1 && $3 == "commune" { print $1 }' data/units/vn-admin-units-2026.csv | head -n "$P1B_UNITS")
[ "${#COMMUNES[@]}" -eq "$P1B_UNITS" ] || die "the unit list has fewer than $P1B_UNITS communes"
create_user() { # username full_name code
    printf '%s' "$PASSWORD" | "$BIN" users create --username "$1" --password-stdin --full-name "$2" \
        --role "officer@$3" --role "accountant@$3" >/dev/null
}
create_user bench.p1a "Cán bộ P1a" "$P1A_CODE"
echo "p1a bench.p1a $P1A_CODE" >"$WORK/plan"
if [ "$ONLY" = p4 ]; then
    # BENCH_ONLY=p4: P3 and P4 need only bench.p1a and Lạng Sơn's bank account (loadgen setup
    # registers it from the plan's one line)
    BENCH_USERS=1
else
# one officer and accountant per commune, as in life; two at a time (argon2 hashing)
pids=()
for code in "${COMMUNES[@]}"; do
    create_user "bench.c$code" "Cán bộ xã $code" "$code" &
    pids+=($!)
    echo "p1b bench.c$code $code" >>"$WORK/plan"
    if [ "${#pids[@]}" -ge 2 ]; then
        wait "${pids[0]}" || die "creating a bench user failed"
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || die "creating a bench user failed"; done
# the Tết batch runs in a commune of its own, with three different people (four eyes)
TET_CODE=$(awk -F, 'NR > 1 && $3 == "commune" { code = $1 } END { print code }' data/units/vn-admin-units-2026.csv)
for role in officer approver accountant; do
    printf '%s' "$PASSWORD" | "$BIN" users create --username "bench.tet.$role" --password-stdin \
        --full-name "Tết $role" --role "$role@$TET_CODE" >/dev/null
done
BENCH_USERS=$((P1B_UNITS + 4))
fi # BENCH_ONLY=p4
users=$(psql_db "$DB" -c "SELECT count(*) FROM users WHERE username LIKE 'bench.%'")
[ "$users" -eq "$BENCH_USERS" ] || die "expected $BENCH_USERS bench users, found $users"

if [ -n "${BENCH_PG_LOG_MIN_DURATION_MS:-}" ]; then
    # profiling: PostgreSQL logs every statement of the bench database slower than this
    psql_db postgres -c "ALTER DATABASE \"$DB\" SET log_min_duration_statement = ${BENCH_PG_LOG_MIN_DURATION_MS}"
fi

step "seed: bank accounts and tokens over HTTP"
start_server
$LOADGEN setup --base "$BASE" --password-file "$WORK/password" --plan "$WORK/plan" --out-dir "$WORK"
P1A_UNIT=$(awk 'NR == 1 { print $1 }' "$WORK/p1a.targets")

if [ "$ONLY" != p4 ]; then
step "ceilings: pgbench on $SCRATCH, a clone of the seeded database"
# a template may have no other connections: the service pauses while the clone is made
stop_server
psql_db postgres -c "CREATE DATABASE \"$SCRATCH\" TEMPLATE \"$DB\""
start_server
{
    awk '{ print 0 "\t" $1 "\t" $2 }' "$WORK/p1a.targets"
    awk '{ print NR "\t" $1 "\t" $2 }' "$WORK/p1b.targets"
} >"$WORK/bench_targets.tsv"
psql_db "$SCRATCH" >/dev/null <<SQL
CREATE TABLE bench_targets (n int PRIMARY KEY, unit_id uuid NOT NULL, bank_account_id uuid NOT NULL,
  code text, bank_ledger uuid, income uuid, actor uuid, actor_roles text);
\copy bench_targets (n, unit_id, bank_account_id) FROM '$WORK/bench_targets.tsv'
UPDATE bench_targets t
   SET code = u.code, bank_ledger = b.account_id, actor = b.created_by,
       income = (SELECT a.id FROM accounts a WHERE a.unit_id = t.unit_id AND a.code = '5111'),
       actor_roles = json_build_array(
         json_build_object('role', 'officer', 'unit_id', u.id, 'unit_code', u.code),
         json_build_object('role', 'accountant', 'unit_id', u.id, 'unit_code', u.code))::text
  FROM units u, bank_accounts b
 WHERE u.id = t.unit_id AND b.id = t.bank_account_id;
SQL
missing=$(psql_db "$SCRATCH" -c "SELECT count(*) FROM bench_targets WHERE code IS NULL OR bank_ledger IS NULL OR income IS NULL OR actor IS NULL")
[ "$missing" -eq 0 ] || die "bench_targets incomplete ($missing rows)"
run_pgbench() { # script label
    local out rc
    psql_db "$SCRATCH" -c CHECKPOINT >/dev/null
    set +e
    out=$(pgbench -n -M prepared -c "$PGBENCH_CLIENTS" -j 2 -T "$PGBENCH_SECS" -D seq=0 \
        -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -f "$1" "$SCRATCH" 2>&1)
    rc=$?
    set -e
    echo "$out" >"$WORK/pgbench-$2.log"
    echo "$out" | grep -E '^(number of (transactions actually processed|failed)|latency average|tps)' | sed "s/^/  $2: /" >&2
    [ "$rc" -eq 0 ] || { echo "$out" | tail -20 >&2; die "pgbench $2 failed"; }
    echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p'
}
CEIL_SPREAD=$(run_pgbench bench/pgbench/no-shared-row.sql no-shared-row)
CEIL_SHARED=$(run_pgbench bench/pgbench/one-shared-row.sql one-shared-row)
[ -n "$CEIL_SPREAD" ] && [ -n "$CEIL_SHARED" ] || die "could not read pgbench tps"
echo "ceilings: no shared row $CEIL_SPREAD tps, one shared row $CEIL_SHARED tps"
psql_db postgres -c "DROP DATABASE \"$SCRATCH\" WITH (FORCE)" >/dev/null

step "P1a + P2: $CLIENTS clients into unit $P1A_CODE, $READERS readers of its balances"
psql_db "$DB" -c CHECKPOINT >/dev/null
from=$(log_line)
$LOADGEN donations --base "$BASE" --name P1a --targets "$WORK/p1a.targets" --clients "$CLIENTS" \
    --warmup-secs "$WARMUP" --duration-secs "$DURATION" --readers "$READERS" \
    --ids-out "$WORK/p1a.ids" --report "$WORK/p1a.json"
log_problems "$from" P1a

step "P1b: $CLIENTS clients over $P1B_UNITS communes"
psql_db "$DB" -c CHECKPOINT >/dev/null
from=$(log_line)
$LOADGEN donations --base "$BASE" --name P1b --targets "$WORK/p1b.targets" --clients "$CLIENTS" \
    --warmup-secs "$WARMUP" --duration-secs "$DURATION" \
    --ids-out "$WORK/p1b.ids" --report "$WORK/p1b.json"
log_problems "$from" P1b

step "P2 alone: the same $READERS readers of unit $P1A_CODE's balances, no writers"
$LOADGEN donations --base "$BASE" --name P2-alone --targets "$WORK/p1a.targets" --clients 0 \
    --warmup-secs "$WARMUP" --duration-secs "$P2_ALONE_SECS" --readers "$READERS" \
    --ids-out "$WORK/p2alone.ids" --report "$WORK/p2alone.json"
fi # BENCH_ONLY=p4: no ceilings, P1a, P1b or P2

if [ "$ONLY" = p1 ]; then
    # BENCH_ONLY=p1: P1a + P2, P1b and P2 alone, then the checks and the summary; no Tết batch,
    # P3, P4 or P5 (about 3 minutes plus the build, for iterating on the donation path)
    stop_server
    P3_BANK=00000000-0000-0000-0000-000000000000
else
if [ "$ONLY" != p4 ]; then
step "Tết batch: $TET_HOUSEHOLDS households in commune $TET_CODE: create, approve, disburse, deliver, close"
from=$(log_line)
target/release/examples/tet_batch --base "$BASE" --password-file "$WORK/password" \
    --officer bench.tet.officer --approver bench.tet.approver --accountant bench.tet.accountant \
    --unit-code "$TET_CODE" --households "$TET_HOUSEHOLDS" --report "$WORK/tet.json"
log_problems "$from" Tet
fi # BENCH_ONLY=p4: no Tết batch

step "P3: statement import, $P3_LINES lines (Vietcombank format, real shape), then the same file again"
# descriptions shaped like a published appeal statement's (bench/README.md, "The statement's
# shape"), so P4 reads donors from what banks really print
python3 bench/gen_statement.py --format vietcombank --shape real --lines "$P3_LINES" --seed 7 \
    >"$WORK/p3.csv" 2>"$WORK/p3.summary"
# as bench.p1a, finance officer of Lạng Sơn, into its bank account; the token goes in a file so
# it is not on a command line
read -r _ P3_BANK P3_TOKEN <"$WORK/p1a.targets"
printf 'Authorization: Bearer %s\nContent-Type: text/csv\n' "$P3_TOKEN" >"$WORK/p3.headers"
p3_post() { # response-file; prints "status seconds"
    curl -sS -o "$1" -w '%{http_code} %{time_total}\n' --max-time 120 -H @"$WORK/p3.headers" \
        --data-binary @"$WORK/p3.csv" "$BASE/v1/bank-accounts/$P3_BANK/statements?format=vietcombank" \
        || echo "000 0"
}
from=$(log_line)
read -r P3_STATUS_1 P3_SECS_1 < <(p3_post "$WORK/p3-import.json")
read -r P3_STATUS_2 P3_SECS_2 < <(p3_post "$WORK/p3-reimport.json")
log_problems "$from" P3
rm -f "$WORK/p3.csv" "$WORK/p3.headers"
python3 - "$WORK" "$P3_STATUS_1" "$P3_SECS_1" "$P3_STATUS_2" "$P3_SECS_2" <<'PY'
import json, sys
work, s1, t1, s2, t2 = sys.argv[1:]
summary = json.loads(open(f"{work}/p3.summary").read().strip().splitlines()[-1])
def body(name, status):
    try:
        b = json.load(open(f"{work}/{name}"))
    except Exception:
        b = {}
    if status != "201":
        print(f"P3 {name}: HTTP {status} {json.dumps(b)[:600]}", file=sys.stderr)
    return b
first, again = body("p3-import.json", s1), body("p3-reimport.json", s2)
report = {
    "lines": summary["lines"],
    "import_s": float(t1), "reimport_s": float(t2),
    "first_new": first.get("lines_new"), "reimport_new": again.get("lines_new"),
    "http_status": [int(s1), int(s2)],
    # the import's totals against the generator's
    "totals_match": all(str(first.get(k)) == str(summary[s]) for k, s in [
        ("lines_total", "lines"), ("credits_total", "credits_total"),
        ("debits_total", "debits_total"), ("closing_balance", "closing_balance")]),
}
json.dump(report, open(f"{work}/p3.json", "w"), indent=2)
print(f"P3: import {report['import_s']:.2f} s ({report['first_new']} new of {report['lines']}), "
      f"re-import {report['reimport_s']:.2f} s ({report['reimport_new']} new)")
PY

step "P4: donations from every unmatched credit line P3 imported (one request)"
# the same finance officer and account as P3; the token again goes in a file
printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$P3_TOKEN" >"$WORK/p4.headers"
from=$(log_line)
read -r P4_STATUS P4_SECS < <(curl -sS -o "$WORK/p4-create.json" -w '%{http_code} %{time_total}\n' \
    --max-time 600 -H @"$WORK/p4.headers" --data '{"all_unmatched_credits":true}' \
    "$BASE/v1/bank-accounts/$P3_BANK/statement-lines/create-donations" || echo "000 0")
log_problems "$from" P4
rm -f "$WORK/p4.headers"
python3 - "$WORK" "$P4_STATUS" "$P4_SECS" <<'PY'
import json, sys
work, status, secs = sys.argv[1:]
try:
    body = json.load(open(f"{work}/p4-create.json"))
except Exception:
    body = {}
if status != "201":
    print(f"P4: HTTP {status} {json.dumps(body)[:600]}", file=sys.stderr)
report = {"created": body.get("created"), "seconds": float(secs), "http_status": int(status),
          "amount_vnd": body.get("amount_vnd")}
json.dump(report, open(f"{work}/p4.json", "w"), indent=2)
print(f"P4: {report['created']} donations in {report['seconds']:.2f} s (HTTP {status})")
PY
stop_server

if [ "$ONLY" != p4 ]; then
step "P5: ledger export of $P5_POSTINGS postings (CSV and hledger; XLSX and JSON lines alongside)"
# a province of its own, with an auditor, whose fund gets P5_POSTINGS/2 two-posting entries
# straight in SQL: the export is what P5 measures, so the seed takes the shortest path that still
# runs every ledger trigger (periods, balances, seal queue, the commit-time checks)
P5_CODE=$(awk -F, -v skip="$P1A_CODE" 'NR > 1 && $3 == "province" && $1 != skip { code = $1 } END { print code }' data/units/vn-admin-units-2026.csv)
printf '%s' "$PASSWORD" | "$BIN" users create --username bench.p5 --password-stdin \
    --full-name "Kiểm toán P5" --role "auditor@$P5_CODE" >/dev/null
P5_UNIT=$(psql_db "$DB" -c "SELECT id FROM units WHERE code = '$P5_CODE'")
seed_started=$SECONDS
for chunk in $(seq 0 $(( (P5_POSTINGS / 2 - 1) / 50000 ))); do
    first=$((chunk * 50000 + 1))
    last=$(( (chunk + 1) * 50000 < P5_POSTINGS / 2 ? (chunk + 1) * 50000 : P5_POSTINGS / 2 ))
    psql_db "$DB" >/dev/null <<SQL
BEGIN;
CREATE TEMP TABLE p5 ON COMMIT DROP AS
  SELECT gen_random_uuid() AS id, g FROM generate_series($first, $last) g;
INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description, created_by)
  SELECT p5.id, '$P5_UNIT', date '2026-01-01' + (g % 300), 'manual', 'Bench P5 entry ' || g,
         (SELECT id FROM users WHERE username = 'bench.p5')
    FROM p5;
INSERT INTO postings (entry_id, account_id, side, amount)
  SELECT p5.id, a.id, s.side, 100000 + (g % 1000) * 1000
    FROM p5 CROSS JOIN (VALUES ('debit', '1111'), ('credit', '5111')) s (side, code)
    JOIN accounts a ON a.unit_id = '$P5_UNIT' AND a.code = s.code;
COMMIT;
SQL
done
P5_SEED_SECS=$((SECONDS - seed_started))
P5_COUNT=$(psql_db "$DB" -c "SELECT count(*) FROM postings WHERE unit_id = '$P5_UNIT'")
echo "P5 seed: $P5_COUNT postings in unit $P5_CODE in $P5_SEED_SECS s"
start_server
# the background sealer chains the new entries; the exports wait for it so they cover sealed
# rows and do not share the cores with it
sealed_started=$SECONDS
for _ in $(seq 1 1200); do
    [ "$(psql_db "$DB" -c 'SELECT count(*) FROM seal_queue')" -eq 0 ] && break
    sleep 0.5
done
P5_SEAL_SECS=$((SECONDS - sealed_started))
echo "P5: the sealer caught up in $P5_SEAL_SECS s"
P5_TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
    --data "{\"username\":\"bench.p5\",\"password\":\"$PASSWORD\"}" "$BASE/v1/auth/token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
printf 'Authorization: Bearer %s\n' "$P5_TOKEN" >"$WORK/p5.headers"
# the baseline of the same run: PostgreSQL alone sending the export's rows (its query, COPY to
# nowhere)
P5_QUERY="SELECT u.code, e.id, e.effective_date, e.recorded_at, e.source_type, e.source_id, e.description, e.reverses_id, p.id, a.code, a.account_type, a.name, p.side, p.amount::text, p.campaign_id, e.reason, e.created_by, p.account_id, s.seq, encode(s.entry_hash, 'hex'), encode(s.chain_hash, 'hex'), p.unit_id FROM postings p JOIN journal_entries e ON e.id = p.entry_id JOIN accounts a ON a.id = p.account_id JOIN units u ON u.id = p.unit_id LEFT JOIN journal_seals s ON s.entry_id = e.id WHERE p.unit_id = '$P5_UNIT' ORDER BY p.effective_date, e.recorded_at, e.id, p.id"
t0=$(date +%s%N)
psql_db "$DB" -c "\\copy ($P5_QUERY) TO '/dev/null' WITH (FORMAT csv)"
P5_BASELINE_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
# one export: its time to the last byte, size, postings counted in the file, and the server's
# resident memory before and at its peak (the kernel's high-water mark, reset just before)
# the auditor's offline check of an export file: every seal recomputed, no database; sets
# `offline` to the JSON fields that report it
p5_check_offline() { # file
    local t0 rc=0
    t0=$(date +%s%N)
    "$BIN" ledger check-export "$1" >"$1.check.txt" || rc=$?
    offline=", \"offline_check_s\": $(( ($(date +%s%N) - t0) / 1000000 ))e-3, \"offline_check_ok\": $([ "$rc" = 0 ] && echo true || echo false)"
}
p5_export() { # format
    local file="$WORK/p5.$1" rss_before peak status secs bytes postings offline=""
    echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true
    rss_before=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
    read -r status secs bytes < <(curl -sS -o "$file" -w '%{http_code} %{time_total} %{size_download}\n' \
        -H @"$WORK/p5.headers" "$BASE/v1/units/$P5_UNIT/ledger?format=$1" || echo "000 0 0")
    peak=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
    case $1 in
        csv) postings=$(grep -vc -e '^#seal_head,' -e '^unit_code,' "$file" || true) ;;
        jsonl)
            postings=$(grep -c '"type":"posting"' "$file" || true)
            p5_check_offline "$file"
            ;;
        hledger)
            postings=$(grep -c '^    ' "$file" || true)
            p5_check_offline "$file"
            ;;
        # rows of the Postings sheets less their header rows, read from the zip as a stream
        xlsx) postings=$(python3 - "$file" <<'PY'
import re, sys, zipfile
book = zipfile.ZipFile(sys.argv[1])
names = dict(re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', book.read("xl/workbook.xml").decode()))
rows = 0
for name, n in names.items():
    if name.startswith("Postings"):
        tail = b""
        with book.open(f"xl/worksheets/sheet{n}.xml") as sheet:
            while chunk := sheet.read(1 << 20):
                rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                tail = chunk[-8:]
        rows -= 1
print(rows)
PY
        ) ;;
        *) postings=null ;;
    esac
    rm -f "$file"
    printf '{"format": "%s", "http_status": %s, "seconds": %s, "bytes": %s, "postings": %s, "rss_before_kib": %s, "rss_peak_kib": %s%s}\n' \
        "$1" "$status" "$secs" "$bytes" "$postings" "$rss_before" "$peak" "$offline"
}
from=$(log_line)
{
    for format in csv hledger jsonl xlsx; do p5_export "$format"; done
} >"$WORK/p5.lines"
log_problems "$from" P5
python3 - "$WORK" "$P5_COUNT" "$P5_BASELINE_MS" "$P5_SEED_SECS" "$P5_SEAL_SECS" <<'PY'
import json, sys
work, count, baseline, seed, seal = sys.argv[1:]
exports = [json.loads(l) for l in open(f"{work}/p5.lines")]
report = {"postings": int(count), "baseline_copy_s": int(baseline) / 1000, "seed_s": int(seed),
          "sealer_catch_up_s": int(seal), "exports": exports}
json.dump(report, open(f"{work}/p5.json", "w"), indent=2)
for e in exports:
    grew = (e["rss_peak_kib"] - e["rss_before_kib"]) / 1024
    print(f"P5 {e['format']}: HTTP {e['http_status']}, {e['seconds']:.2f} s, {e['bytes'] / 2**20:.0f} MiB, "
          f"{e['postings']} postings, memory grew {grew:.1f} MiB")
print(f"P5 baseline: PostgreSQL sends the same {count} rows (COPY to nowhere) in {report['baseline_copy_s']:.2f} s")
PY
stop_server
fi # BENCH_ONLY=p4: no P5

fi # BENCH_ONLY

step "checks: the database against every 201"
{
    if [ "$ONLY" != p4 ]; then
        awk '{ print $1 "\tP1a" }' "$WORK/p1a.ids"
        awk '{ print $1 "\tP1b" }' "$WORK/p1b.ids"
        # the Tết scenario's one set-up donation (it asserted its 201 itself)
        psql_db "$DB" -c "SELECT d.id || E'\tTet' FROM donations d JOIN units u ON u.id = d.unit_id WHERE u.code = '$TET_CODE'"
    fi
    # P4's donations: one request answered 201 for all of them (with their count, checked in the
    # summary); they are the donations made from P3's account's statement lines (the note names
    # the line; a P1a donation the import auto-matched to a line is not one of them)
    psql_db "$DB" -c "SELECT d.id || E'\tP4' FROM donations d JOIN statement_lines l ON l.matched_entry_id = d.journal_entry_id WHERE l.bank_account_id = '$P3_BANK' AND d.note = 'Từ sao kê, dòng ' || l.id"
} >"$WORK/ids.tsv"
psql_db "$DB" -F $'\t' >"$WORK/checks.tsv" <<SQL
CREATE TEMP TABLE got (id uuid NOT NULL, scenario text NOT NULL);
\copy got FROM '$WORK/ids.tsv'
ANALYZE got;
-- each query: name, ok|FAIL, detail
SELECT '201 ids are distinct', CASE WHEN count(*) = count(DISTINCT id) THEN 'ok' ELSE 'FAIL' END,
       format('%s ids, %s distinct', count(*), count(DISTINCT id)) FROM got;
SELECT 'every 201 exists in donations', CASE WHEN count(*) FILTER (WHERE d.id IS NULL) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s of %s found', count(d.id), count(*)) FROM got g LEFT JOIN donations d ON d.id = g.id;
SELECT 'no donation without a 201', CASE WHEN count(*) FILTER (WHERE g.id IS NULL) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s donations, %s without a 201, in %s units', count(*), count(*) FILTER (WHERE g.id IS NULL),
              count(DISTINCT d.unit_id) FILTER (WHERE g.id IS NULL))
  FROM donations d LEFT JOIN (SELECT DISTINCT id FROM got) g ON g.id = d.id;
SELECT 'donations per unit = 201s per unit', CASE WHEN count(*) FILTER (WHERE n_db <> n_got) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s units, %s differ', count(*), count(*) FILTER (WHERE n_db <> n_got))
  FROM (SELECT d.unit_id, count(*) AS n_db, count(g.id) AS n_got
          FROM donations d LEFT JOIN (SELECT DISTINCT id FROM got) g ON g.id = d.id GROUP BY d.unit_id) x;
SELECT 'receipt numbers are 1..N per unit and year', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 AND count(*) > 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s unit-years, %s with gaps or duplicates', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT d.unit_id, d.receipt_year,
               min(receipt_seq) = 1 AND max(receipt_seq) = count(*) AND count(DISTINCT receipt_seq) = count(*)
               AND max(receipt_seq) = max(c.last_seq) AS fine
          FROM donations d LEFT JOIN receipt_counters c ON c.unit_id = d.unit_id AND c.year = d.receipt_year
         GROUP BY d.unit_id, d.receipt_year) x;
SELECT 'every journal entry balances', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s entries, %s unbalanced or with fewer than two postings', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT e.id, count(p.id) >= 2
                 AND coalesce(sum(p.amount) FILTER (WHERE p.side = 'debit'), 0)
                   = coalesce(sum(p.amount) FILTER (WHERE p.side = 'credit'), 0) AS fine
          FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id GROUP BY e.id) x;
SELECT 'each donation has its own entry for its amount', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s donations, %s whose entry is not theirs', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT d.id, e.source_type = 'donation' AND e.source_id = d.id AND e.unit_id = d.unit_id
                 AND (SELECT sum(amount) FROM postings p WHERE p.entry_id = e.id AND p.side = 'debit') = d.amount_vnd AS fine
          FROM donations d JOIN journal_entries e ON e.id = d.journal_entry_id) x;
SELECT 'balance buckets = postings per account', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s accounts differ', count(*))
  FROM (SELECT account_id, sum(debit) AS debit, sum(credit) AS credit FROM balance_buckets GROUP BY account_id) b
  FULL JOIN (SELECT account_id, coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debit,
                    coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credit
               FROM postings GROUP BY account_id) p USING (account_id)
 WHERE b.debit IS DISTINCT FROM p.debit OR b.credit IS DISTINCT FROM p.credit;
-- donations made one by one have their own event; those made in bulk from statement lines (P4)
-- are covered by one event per chunk, whose counts must add up to them
SELECT 'one audit event per donation', CASE WHEN count(*) FILTER (WHERE n <> 1) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s donations, %s without exactly one donation.create event', count(*), count(*) FILTER (WHERE n <> 1))
  FROM (SELECT d.id, coalesce(a.n, 0) AS n
          FROM donations d
          LEFT JOIN (SELECT target_id, count(*) AS n FROM audit_events
                      WHERE action = 'donation.create' GROUP BY target_id) a ON a.target_id = d.id
         WHERE d.note IS NULL OR d.note NOT LIKE 'Từ sao kê, dòng %') x;
SELECT 'bulk donations = counts of their audit events', CASE WHEN bulk = audited THEN 'ok' ELSE 'FAIL' END,
       format('%s made from statement lines, %s in statement_line.create_donations events', bulk, audited)
  FROM (SELECT (SELECT count(*) FROM donations WHERE note LIKE 'Từ sao kê, dòng %') AS bulk,
               (SELECT coalesce(sum((changes->>'count')::bigint), 0) FROM audit_events
                 WHERE action = 'statement_line.create_donations') AS audited) x;
SQL
cat "$WORK/checks.tsv" | sed 's/^/  /'

if [ "$ONLY" != p1 ]; then
step "P4 baseline: the same ledger rows inserted by plain SQL (one INSERT … SELECT per table)"
# quality.md: P4 beside "the same rows inserted by one plain SQL statement", built as P9's
# baseline is: per credit line of P3's account (what P4 was asked to turn into donations), one
# entry of the line's date and two postings of its amount, cash (1111) against donation income
# (5111) in Lạng Sơn's fund, as bench.p1a; one INSERT … SELECT into journal_entries and one into
# postings, in one transaction, with every ledger trigger and the commit-time checks running.
# No donation rows, receipt numbers, line matching or audit events: those are P4's own work.
# After the checks, so it changes nothing they saw; the service is stopped. Should the SQL fail,
# the run goes on to its summary without a baseline (P3 and P4 are not lost to it).
P1A_USER=$(psql_db "$DB" -c "SELECT id FROM users WHERE username = 'bench.p1a'")
p4_baseline_ok=1
t0=$(date +%s%N)
psql_db "$DB" >/dev/null <<SQL || p4_baseline_ok=0
BEGIN;
CREATE TEMP TABLE p4b ON COMMIT DROP AS
  SELECT uuid_generate_v7() AS id, line_date, credit, row_number() OVER () AS g
    FROM statement_lines WHERE bank_account_id = '$P3_BANK' AND credit > 0;
INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description, created_by)
  SELECT p4b.id, '$P1A_UNIT', p4b.line_date, 'manual', 'Bench P4 baseline ' || g, '$P1A_USER' FROM p4b;
INSERT INTO postings (entry_id, account_id, side, amount)
  SELECT p4b.id, a.id, s.side, p4b.credit
    FROM p4b CROSS JOIN (VALUES ('debit', '1111'), ('credit', '5111')) s (side, code)
    JOIN accounts a ON a.unit_id = '$P1A_UNIT' AND a.code = s.code;
COMMIT;
SQL
P4_BASELINE_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$p4_baseline_ok" = 1 ]; then
    P4_BASELINE_ROWS=$(psql_db "$DB" -c "SELECT count(*) FROM journal_entries WHERE unit_id = '$P1A_UNIT' AND source_type = 'manual' AND description LIKE 'Bench P4 baseline %'")
else
    echo "P4 baseline: the SQL failed (above); no baseline this run" >&2
    P4_BASELINE_ROWS=0
fi
# into p4.json beside P4's own figures: the baseline per entry × the donations P4 created, and
# P4's time over it
python3 - "$WORK" "$P4_BASELINE_MS" "$P4_BASELINE_ROWS" <<'PY'
import json, sys
work, ms, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
report = json.load(open(f"{work}/p4.json"))
created = report.get("created") or 0
per_entry = ms / 1000 / rows if rows else None
scaled = per_entry * created if per_entry is not None and created else None
report["baseline"] = {"entries": rows, "postings": 2 * rows, "seconds": ms / 1000,
                      "seconds_for_created": scaled,
                      "ratio": report["seconds"] / scaled if scaled else None}
json.dump(report, open(f"{work}/p4.json", "w"), indent=2)
b = report["baseline"]
if not rows:
    print("P4 baseline: none (no rows inserted)")
else:
    line = f"P4 baseline: {rows} entries, {2 * rows} postings by plain SQL in {b['seconds']:.2f} s"
    if scaled:
        line += f"; for P4's {created} donations {scaled:.2f} s, P4 took {b['ratio']:.1f}× that"
    print(line)
PY
fi # not BENCH_ONLY=p1

step "summary"
if [ "$ONLY" = p4 ]; then
    # no ceilings or HTTP load in this mode
    run_meta="\"only\": \"p4\", \"p3_lines\": $P3_LINES"
else
    run_meta="\"only\": \"$ONLY\", \"clients\": $CLIENTS, \"readers\": $READERS, \"warmup_s\": $WARMUP, \"duration_s\": $DURATION,
 \"pgbench\": {\"clients\": $PGBENCH_CLIENTS, \"threads\": 2, \"seconds\": $PGBENCH_SECS, \"protocol\": \"prepared\"},
 \"p1b_units\": $P1B_UNITS"
fi
cat >"$WORK/meta.json" <<JSON
{"timestamp": "$TS", "git": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo -dirty)",
 "cores": $(nproc), "postgres": "$(psql_db postgres -c 'SHOW server_version')",
 "synchronous_commit": "$(psql_db postgres -c 'SHOW synchronous_commit')",
 $run_meta,
 "load_average_before": "$LOAD_BEFORE", "load_average_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
 "p1a_unit": "$P1A_UNIT", "work_dir": "$WORK", "elapsed_s": $((SECONDS - started))}
JSON
if [ "$ONLY" = p4 ]; then
    # loadgen's summary needs the P1 reports; P3 and P4 get the same rows, bars and exit status here
    set +e
    python3 - "$WORK" "$RESULTS" <<'PY'
import json, os, sys
work, out = sys.argv[1:]
rows = []
def push(what, value, bar, ok, correctness):
    rows.append({"what": what, "measured": value, "bar": bar, "ok": ok, "correctness": correctness})
def load(name):
    try:
        return json.load(open(f"{work}/{name}"))
    except Exception:
        return None
def n(v):
    return "?" if v is None else f"{v:,}"
p3, p4 = load("p3.json"), load("p4.json")
if p3:
    lines, first, again = p3.get("lines") or 0, p3.get("first_new"), p3.get("reimport_new")
    imported = first == lines and p3.get("totals_match") is not False
    push(f"P3 import {n(lines)} lines", f"{p3['import_s']:.1f} s ({n(first)} new, HTTP {p3['http_status'][0]})",
         "<= 10 s", imported and p3["import_s"] <= 10, False)
    push("P3 import: every line new, totals as generated", f"{n(first)} of {n(lines)}", "all", imported, True)
    push("P3 re-import", f"{p3['reimport_s']:.1f} s (HTTP {p3['http_status'][1]})", "<= 10 s",
         again is not None and p3["reimport_s"] <= 10, False)
    push("P3 re-import adds", "? (failed)" if again is None else f"{again} lines", "0", again == 0, True)
else:
    push("P3 statement import", "not measured", "<= 10 s", False, False)
if p4:
    created, secs = p4.get("created"), p4["seconds"]
    ok = p4.get("http_status") == 201 and bool(created)
    push("P4 donations from the unmatched credits",
         f"{secs:.1f} s ({n(created)} created, HTTP {p4.get('http_status')})", "<= 60 s", ok and secs <= 60, False)
    b = p4.get("baseline") or {}
    if b.get("seconds_for_created"):
        push("P4 baseline: its rows by plain SQL",
             f"{b['seconds_for_created']:.1f} s (P4 {b['ratio']:.1f}×; {n(b['entries'])} entries in {b['seconds']:.1f} s)",
             "(baseline)", True, False)
    else:
        push("P4 baseline: its rows by plain SQL",
             "none (no rows inserted)" if not b.get("entries") else "nothing to compare (P4 created none)",
             "(baseline)", True, False)
else:
    push("P4 donations from credits", "not measured", "<= 60 s", False, False)
checks = []
for line in open(f"{work}/checks.tsv", encoding="utf-8"):
    if not line.strip():
        continue
    name, state, detail = (line.rstrip("\n").split("\t", 2) + ["", ""])[:3]
    push(f"check: {name}", detail, "holds", state == "ok", True)
    checks.append({"name": name, "ok": state == "ok", "detail": detail})
if not checks:
    push("checks", "none ran", "holds", False, True)
width = max(len(r["what"]) for r in rows)
vwidth = min(60, max(len(r["measured"]) for r in rows))
print(f"\n{'what':<{width}}  {'measured':<{vwidth}}  {'bar':<10}  result")
print("-" * (width + vwidth + 22))
for r in rows:
    verdict = "" if r["bar"] == "(baseline)" else "ok" if r["ok"] else "MISS"
    print(f"{r['what']:<{width}}  {r['measured']:<{vwidth}}  {r['bar']:<10}  {verdict}")
failed = any(r["correctness"] and not r["ok"] for r in rows)
missed = any(not r["correctness"] and not r["ok"] and r["bar"] != "(baseline)" for r in rows)
verdict = "FAIL: errors or failed checks" if failed else "bars missed (correct, but not fast enough)" if missed \
    else "all bars met"
print(f"\nverdict: {verdict}")
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
json.dump({"meta": load("meta.json") or {}, "p3": p3, "p4": p4, "checks": checks,
           "rows": [{k: r[k] for k in ("what", "measured", "bar", "ok")} for r in rows], "verdict": verdict},
          open(out, "w"), indent=2, ensure_ascii=False)
print(f"results: {out}")
sys.exit(1 if failed else 2 if missed else 0)
PY
    rc=$?
    set -e
    echo "bench: done in $((SECONDS - started)) s; logs in $WORK"
    exit "$rc"
fi
set +e
if [ "$ONLY" = p1 ]; then
    later=()
else
    later=(--tet "$WORK/tet.json" --p3 "$WORK/p3.json" --p4 "$WORK/p4.json" --p5 "$WORK/p5.json")
fi
$LOADGEN summary --p1a "$WORK/p1a.json" --p1b "$WORK/p1b.json" \
    --ceiling-spread "$CEIL_SPREAD" --ceiling-shared "$CEIL_SHARED" --p2-alone "$WORK/p2alone.json" \
    --checks "$WORK/checks.tsv" "${later[@]}" --meta "$WORK/meta.json" --out "$RESULTS"
rc=$?
set -e
if [ "$ONLY" != p1 ]; then
    # loadgen's table has P4's time; its baseline (in p4.json) joins the results here
    python3 - "$RESULTS" "$WORK/p4.json" <<'PY'
import json, sys
results, p4 = sys.argv[1:]
try:
    doc = json.load(open(results))
except Exception:
    doc = {}
try:
    doc["p4_baseline"] = json.load(open(p4)).get("baseline")
except Exception:
    doc["p4_baseline"] = None
json.dump(doc, open(results, "w"), indent=2)
b = doc["p4_baseline"] or {}
if b.get("ratio"):
    print(f"P4 baseline: the same ledger rows by plain SQL {b['seconds_for_created']:.1f} s; P4 {b['ratio']:.1f}× that")
PY
fi
# P9 last, on its own database (not with BENCH_ONLY=p1): the exit status is the worse of the
# two (1 over 2 over 0)
if [ "$ONLY" != p1 ]; then
    set +e
    run_p9_sub
    p9rc=$?
    set -e
    if [ "$rc" -eq 1 ] || [ "$p9rc" -eq 1 ]; then rc=1; elif [ "$rc" -eq 2 ] || [ "$p9rc" -eq 2 ]; then rc=2; fi
    python3 - "$RESULTS" "$WORK/p9.json" <<'PY'
import json, sys
results, p9 = sys.argv[1:]
try:
    doc = json.load(open(results))
except Exception:
    doc = {}
doc["p9"] = json.load(open(p9))
json.dump(doc, open(results, "w"), indent=2)
PY
fi
echo "bench: done in $((SECONDS - started)) s; logs in $WORK"
exit "$rc"
