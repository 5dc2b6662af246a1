#!/usr/bin/env bash
# The README's first command on a fresh machine, proven: with DATABASE_URL unset and the
# default server unusable, `doanket serve --demo` starts a PostgreSQL cluster of its own.
#
#   scripts/first-run.sh     # after a debug build (scripts/test.sh or cargo build)
#
# It points the default server (DOANKET_DEFAULT_DATABASE_URL) at a port where nothing listens
# and keeps the cluster in a temporary directory (DOANKET_EMBEDDED_PG_DIR), then checks:
#   1. the first start makes the cluster (initdb), /readyz answers 200, admin.tw signs in with
#      the demo password, and SIGTERM stops the service and its PostgreSQL (no process left);
#   2. a second start starts the same cluster again: the demo's data is still there (same user
#      id); then the service is killed (SIGKILL), leaving its PostgreSQL running;
#   3. a third start finds that PostgreSQL and reuses it (the same postmaster, not a second
#      one), and SIGTERM stops both;
#   4. a postmaster.pid left by a crash (its process gone) does not stop the next start;
#   5. `ledger verify` (a command that does not serve) starts the stopped cluster and stops it;
#   6. a server that listens on 127.0.0.1:5432 but refuses the user counts as unusable too;
#   7. DOANKET_EMBEDDED_PG=0 turns it off: a clear error, nothing started.
# Any failure: a message, the service's log, exit status 1. The directory is removed at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'scripts/first-run.sh: %s\n' "$*"; }
die() {
    printf '\nscripts/first-run.sh: FAILED: %s\n' "$*" >&2
    for f in "$WORK"/run*.err; do
        [ -f "$f" ] || continue
        printf -- '--- %s (last lines)\n' "$f" >&2
        tail -n 15 "$f" >&2
    done
    exit 1
}

BIN=${CARGO_TARGET_DIR:-target}/debug/doanket
[ -x "$BIN" ] || { echo "scripts/first-run.sh: no $BIN: build it first (scripts/test.sh or cargo build)" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "scripts/first-run.sh: needs curl" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port
    for port in $(seq "$1" "$(($1 + 200))"); do
        port_open "$port" || { echo "$port"; return; }
    done
    echo "scripts/first-run.sh: no free port from $1" >&2
    exit 1
}

WORK=$(mktemp -d /tmp/doanket-first-run.XXXXXX)
# as root the cluster runs as an unprivileged user, who must reach the directory inside
chmod 755 "$WORK"
PGDIR=$WORK/pg
SERVICE_PID=

postmaster_pid() { [ -f "$PGDIR/postmaster.pid" ] && head -n 1 "$PGDIR/postmaster.pid" || true; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
# postmasters serving this directory (pg_ctl starts them as `postgres -D <dir> …`)
postmasters() {
    if command -v pgrep >/dev/null 2>&1; then
        pgrep -f -- "-D $PGDIR " || true
        return
    fi
    local f
    for f in /proc/[0-9]*/cmdline; do
        tr '\0' ' ' 2>/dev/null <"$f" | grep -q -- "-D $PGDIR " && basename "$(dirname "$f")"
    done
    true
}

cleanup() {
    local status=$? pid
    if alive "$SERVICE_PID"; then
        kill -TERM "$SERVICE_PID" 2>/dev/null || true
        for _ in $(seq 100); do alive "$SERVICE_PID" || break; sleep 0.1; done
        kill -KILL "$SERVICE_PID" 2>/dev/null || true
    fi
    # a failed run may leave the cluster up: SIGINT is PostgreSQL's fast shutdown
    for pid in $(postmasters); do
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    done
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

API_PORT=$(free_port 18080)
DEAD_PORT=$(free_port 15432)
unset DATABASE_URL DATABASE_READ_URL DOANKET_ENV DOANKET_EMBEDDED_PG
export DOANKET_DEFAULT_DATABASE_URL=postgres://postgres@127.0.0.1:$DEAD_PORT/doanket
export DOANKET_EMBEDDED_PG_DIR=$PGDIR
export DOANKET_BIND=127.0.0.1:$API_PORT
export DOANKET_ATTACHMENTS_DIR=$WORK/attachments
export DOANKET_LOG_FORMAT=json
export DOANKET_WORKERS=1
BASE=http://127.0.0.1:$API_PORT
say "$("$BIN" --version); default server: 127.0.0.1:$DEAD_PORT (nothing listens); cluster: $PGDIR"

RUN=0
# starts `serve --demo` and waits for /readyz to answer 200
start() {
    RUN=$((RUN + 1))
    "$BIN" serve --demo >"$WORK/run$RUN.out" 2>"$WORK/run$RUN.err" &
    SERVICE_PID=$!
    local started=$SECONDS
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/readyz" 2>/dev/null)" = 200 ]; do
        alive "$SERVICE_PID" || die "run $RUN: the service exited before it was ready"
        [ $((SECONDS - started)) -lt 180 ] || die "run $RUN: /readyz did not answer 200 within 180 s"
        sleep 0.2
    done
    say "run $RUN: /readyz 200 after $((SECONDS - started)) s; banner: $(grep -m1 'database:' "$WORK/run$RUN.out" | sed 's/^ *//')"
}

# the banner's database line must say `$1`
banner_says() {
    grep -q "database:.*$1" "$WORK/run$RUN.out" || die "run $RUN: the banner does not say \"$1\": $(cat "$WORK/run$RUN.out")"
}

# signs in as admin.tw with the demo password; prints the user's id
demo_user_id() {
    local token
    token=$(curl -s --max-time 10 "$BASE/v1/auth/token" -H 'content-type: application/json' \
        -d '{"username":"admin.tw","password":"doanket-demo-2026"}' \
        | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    [ -n "$token" ] || die "run $RUN: the demo sign-in (admin.tw) failed"
    curl -s --max-time 10 "$BASE/v1/auth/me" -H "authorization: Bearer $token" \
        | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
}

# SIGTERM, a clean exit, and no PostgreSQL left for the directory
stop_and_check() {
    local pm=$1
    kill -TERM "$SERVICE_PID"
    local status=0
    wait "$SERVICE_PID" || status=$?
    SERVICE_PID=
    [ "$status" = 0 ] || die "run $RUN: exit status $status after SIGTERM"
    for _ in $(seq 50); do alive "$pm" || break; sleep 0.1; done
    ! alive "$pm" || die "run $RUN: PostgreSQL (pid $pm) still runs after the service stopped"
    [ -z "$(postmasters)" ] || die "run $RUN: a postgres process for $PGDIR remains: $(postmasters)"
    [ ! -f "$PGDIR/postmaster.pid" ] || die "run $RUN: postmaster.pid remains"
    say "run $RUN: SIGTERM: the service exited 0 and its PostgreSQL stopped"
}

# 1. first start: initdb, serve, sign in, stop
start
banner_says "embedded PostgreSQL .* in $PGDIR (started for this run"
[ -f "$PGDIR/PG_VERSION" ] || die "run 1: no cluster in $PGDIR"
first_id=$(demo_user_id)
[ -n "$first_id" ] || die "run 1: /v1/auth/me gave no id"
say "run 1: admin.tw signed in (id $first_id)"
stop_and_check "$(postmaster_pid)"

# 2. second start: the same cluster and data; then the service is killed
start
banner_says "started for this run"
second_id=$(demo_user_id)
[ "$second_id" = "$first_id" ] || die "run 2: admin.tw is $second_id, was $first_id: the data did not survive"
say "run 2: the same cluster and data (admin.tw is still $second_id)"
orphan=$(postmaster_pid)
kill -KILL "$SERVICE_PID"
wait "$SERVICE_PID" 2>/dev/null || true
SERVICE_PID=
alive "$orphan" || die "run 2: PostgreSQL did not outlive the killed service (nothing to reuse)"
say "run 2: service killed (SIGKILL); its PostgreSQL (pid $orphan) still runs"

# 3. third start: the orphan is found and reused, not duplicated
start
banner_says "already running, reused"
[ "$(postmaster_pid)" = "$orphan" ] || die "run 3: postmaster $(postmaster_pid), expected the running $orphan"
[ "$(postmasters | wc -l)" = 1 ] || die "run 3: more than one postmaster for $PGDIR: $(postmasters)"
[ "$(demo_user_id)" = "$first_id" ] || die "run 3: admin.tw changed"
say "run 3: reused the running PostgreSQL (pid $orphan), one postmaster"
stop_and_check "$orphan"

# 4. a stale postmaster.pid (the process gone, as after a crash or reboot)
sleep 0 &
dead=$!
wait "$dead"
printf '%s\n%s\n' "$dead" "$PGDIR" >"$PGDIR/postmaster.pid"
start
banner_says "started for this run"
[ "$(postmaster_pid)" != "$dead" ] || die "run 4: postmaster.pid still names the dead process"
say "run 4: a stale postmaster.pid (pid $dead, gone) did not stop the start"
stop_and_check "$(postmaster_pid)"

# 5. a command that uses the database without serving starts the stopped cluster, and stops it
RUN=$((RUN + 1))
"$BIN" ledger verify >"$WORK/run$RUN.out" 2>"$WORK/run$RUN.err" || die "run $RUN: ledger verify failed"
summary=$(tail -n 1 "$WORK/run$RUN.out")
case $summary in "verified "*": all ok") ;; *) die "run $RUN: ledger verify ended with \"$summary\"" ;; esac
[ -z "$(postmasters)" ] || die "run $RUN: ledger verify left PostgreSQL running"
say "run $RUN: ledger verify on the embedded cluster: \"$summary\"; stopped again"

# 6. a server that listens but refuses the user counts as unusable too (when one listens here)
if port_open 5432; then
    RUN=$((RUN + 1))
    DOANKET_DEFAULT_DATABASE_URL=postgres://doanket_no_such_user@127.0.0.1:5432/doanket \
        "$BIN" migrate >"$WORK/run$RUN.out" 2>"$WORK/run$RUN.err" \
        || die "run $RUN: migrate did not fall back to the embedded cluster"
    grep -q "the default PostgreSQL cannot be used" "$WORK/run$RUN.err" \
        || die "run $RUN: the refusing server was used: $(cat "$WORK/run$RUN.err")"
    [ -z "$(postmasters)" ] || die "run $RUN: migrate left PostgreSQL running"
    say "run $RUN: a server on 127.0.0.1:5432 that refuses the user: the embedded cluster was used"
fi

# 7. DOANKET_EMBEDDED_PG=0: no cluster, a clear error
RUN=$((RUN + 1))
status=0
DOANKET_EMBEDDED_PG=0 "$BIN" migrate >"$WORK/run$RUN.out" 2>"$WORK/run$RUN.err" || status=$?
[ "$status" != 0 ] || die "run $RUN: DOANKET_EMBEDDED_PG=0 migrate succeeded without a server"
grep -q "cannot reach PostgreSQL" "$WORK/run$RUN.err" || die "run $RUN: no clear error: $(cat "$WORK/run$RUN.err")"
[ -z "$(postmasters)" ] || die "run $RUN: DOANKET_EMBEDDED_PG=0 started PostgreSQL"
say "run $RUN: DOANKET_EMBEDDED_PG=0: exit $status, \"$(head -c 120 "$WORK/run$RUN.err")\""

say "ok: the first run works without a PostgreSQL server, and leaves none behind"
