#!/usr/bin/env bash
# Fuzzes the live API from the checked-in OpenAPI document (quality bar R4: no 5xx, every
# response as documented) with schemathesis, signed in as a user holding every role at TW.
#
# It builds the debug binary (as the tests do), serves it with `--demo` on a free port against a
# new database doanket_ci_<random>, runs schemathesis, then stops the server and drops the database.
#
# PostgreSQL: the server of DOANKET_TEST_DATABASE_URL if set, else postgres@127.0.0.1:5432.
# Knobs: SCHEMATHESIS_MAX_EXAMPLES (default 100 per operation), SCHEMATHESIS_SEED (default fixed,
# so a run is repeatable; `random` for a new one). Extra arguments go to `schemathesis run`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

say() { printf 'scripts/schemathesis.sh: %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

version=4.32.5
venv="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/doanket/schemathesis-$version"
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-100}
seed=${SCHEMATHESIS_SEED:-20260401}
server=${DOANKET_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
server=${server%/*} # drop the database name: postgres://user@host:port
work="$repo/target/schemathesis"
mkdir -p "$work"

if [ ! -x "$venv/bin/schemathesis" ]; then
    say "installing schemathesis $version into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

# the binary as `cargo test` builds it (dev-dependency features included), so after
# scripts/test.sh this compiles nothing; `cargo build` would rebuild much of the tree
cargo test --quiet --no-run --all-targets
binary="${CARGO_TARGET_DIR:-target}/debug/doanket"

port=
for p in $(shuf -i 20000-29999 -n 50 2>/dev/null || seq 28080 28129); do
    port_open "$p" || { port=$p; break; }
done
[ -n "$port" ] || { say "no free port"; exit 1; }

db="doanket_ci_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    if command -v psql >/dev/null 2>&1; then
        psql -w -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 \
            || say "could not drop $db"
    else
        say "psql not found: drop $db by hand"
    fi
}
trap cleanup EXIT

say "serving the demo on 127.0.0.1:$port, database $db"
DATABASE_URL="$server/$db" DOANKET_BIND="127.0.0.1:$port" DOANKET_LOG_FORMAT=json \
    RUST_LOG="${RUST_LOG:-warn}" DOANKET_WORKERS=2 \
    "$binary" serve --demo >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; say "the server exited"; exit 1; }
    sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || { cat "$work/server.log" >&2; say "not ready"; exit 1; }

api() { curl -fsS "http://127.0.0.1:$port$1" -H 'content-type: application/json' "${@:2}"; }
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
sign_in() {
    api /v1/auth/token -X POST -d "{\"username\":\"$1\",\"password\":\"$2\"}" | json_field access_token
}

# The demo admin creates the fuzzing account: every role at TW, so each operation is reached by
# someone allowed to do it (an admin alone gets a 403 from every money-moving endpoint).
admin_token=$(sign_in admin.tw doanket-demo-2026)
tw_id=$(api /v1/units/by-code/TW -H "authorization: Bearer $admin_token" | json_field id)
fuzz_password="fuzz-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
roles=$(printf '{"role":"%s","unit_id":"'"$tw_id"'"},' admin officer approver accountant auditor)
api /v1/users -X POST -H "authorization: Bearer $admin_token" -o /dev/null -d "{\"username\":\"fuzz.tw\",
    \"password\":\"$fuzz_password\",\"full_name\":\"Schemathesis\",\"roles\":[${roles%,}]}"
token=$(sign_in fuzz.tw "$fuzz_password")
own_id=$(api /v1/auth/me -H "authorization: Bearer $token" | json_field id)

seed_args=(--seed "$seed")
[ "$seed" = random ] && seed_args=()
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
checks=$checks,response_schema_conformance,missing_required_header,ignored_auth,use_after_free
checks=$checks,ensure_resource_availability

say "schemathesis $version: up to $max_examples examples per operation"
run_schemathesis() {
    # run from target/: schemathesis keeps its example database in the working directory
    cd "$work"
    DOANKET_FUZZ_USER_ID="$own_id" SCHEMATHESIS_HOOKS="$repo/scripts/schemathesis_hooks.py" \
        "$venv/bin/schemathesis" run "$repo/openapi/openapi.json" \
        --url "http://127.0.0.1:$port" \
        -H "Authorization: Bearer $token" \
        --checks "$checks" \
        --max-examples "$max_examples" \
        "${seed_args[@]}" \
        --workers 2 \
        --request-timeout 10 \
        --no-color \
        "$@"
}
status=0
(run_schemathesis "$@") 2>&1 | tee "$work/report.txt" || status=${PIPESTATUS[0]}
# A failed check is a finding. An error inside schemathesis itself says nothing about the API:
# seen here, CPython 3.11's parser failing inside Hypothesis ("AST constructor recursion depth
# mismatch") in the coverage phase. Then run once more without that phase; any finding or a
# second internal error fails the build.
if [ "$status" != 0 ] && ! grep -q '= FAILURES =' "$work/report.txt" \
    && grep -q 'Runtime Error' "$work/report.txt"; then
    say "schemathesis stopped on an internal error, not a finding: once more without the coverage phase"
    status=0
    (run_schemathesis --phases examples,fuzzing,stateful "$@") 2>&1 | tee "$work/report.txt" \
        || status=${PIPESTATUS[0]}
fi
if [ "$status" != 0 ]; then
    say "schemathesis found failures (exit $status); server log: $work/server.log"
fi
exit "$status"
