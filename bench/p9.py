#!/usr/bin/env python3
"""P9, the whole reform (bench/README.md, "P9"): the HTTP parts, driven by bench/run.sh.

  p9.py users   create the bench's users with `doanket users create`
  p9.py setup   sign the reform's three users of TW in; open a restricted campaign in every
                province of the 2025-03 tree
  p9.py grants  approved grants (open obligations) in every GRANT_EVERY-th commune
  p9.py rounds  plan + approve-all + execute-all at TW, again until plan proposes nothing;
                writes the rounds with their timings
  p9.py report  the checks against the state before, the figures, p9.json; exit 1 on a failed
                check, 2 when the bar is missed

Standard library only. Every request goes to 127.0.0.1; tokens stay in WORK/p9.tokens (0600).
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

EFFECTIVE_ON = "2025-07-01"
GRANT_EVERY = 30
ROUNDS_MAX = 6


class Client:
    """One keep-alive connection per thread."""

    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.local = threading.local()

    def conn(self, timeout):
        c = getattr(self.local, "c", None)
        if c is None or c.timeout != timeout:
            c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            self.local.c = c
        return c

    def call(self, method, path, token=None, body=None, timeout=60):
        headers = {"Accept-Language": "en"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in range(2):
            c = self.conn(timeout)
            try:
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # a keep-alive connection the server closed: once more on a new one
                self.local.c = None
                if attempt:
                    raise
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = {"raw": raw[:500].decode(errors="replace")}
        return r.status, payload


def psql(db, sql):
    out = subprocess.run(
        ["psql", "-w", "-X", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-v", "ON_ERROR_STOP=1",
         "-Atq", "-F", "\t", "-d", db, "-c", sql],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def must(status, body, want, what):
    if status != want:
        raise SystemExit(f"p9: {what}: HTTP {status} {json.dumps(body, ensure_ascii=False)[:600]}")
    return body


def sign_in(client, username, password):
    s, b = client.call("POST", "/v1/auth/token", body={"username": username, "password": password})
    return must(s, b, 200, f"sign-in of {username}")["access_token"]


def parallel(fn, items, workers=4):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))


ROLES_PER_USER = 50


def grant_communes(db):
    return psql(db, f"""
        SELECT id, code FROM (SELECT id, code, row_number() OVER (ORDER BY code) AS n FROM units
                               WHERE tier = 'commune') u
         WHERE n % {GRANT_EVERY} = 1 ORDER BY code""")


def chunks(rows, n=ROLES_PER_USER):
    return [rows[i:i + n] for i in range(0, len(rows), n)]


def users(a):
    """The bench's people: the reform's admin, approver and finance officer at TW, and for the
    seed, officers (campaigns, grants) and approvers (grants) of the units they act in: a role
    acts at exactly its unit, so each holds up to ROLES_PER_USER units' roles (its token carries
    them)."""
    password = open(a.password_file).read()
    provinces = psql(a.db, "SELECT id, code FROM units WHERE tier = 'province' ORDER BY code")
    plan = [(f"bench.p9.{r}", [f"{r}@TW"]) for r in ("admin", "approver", "accountant")]
    plan += [(f"bench.p9.seed.{i}", ["officer@TW"]) for i in [0]]
    plan += [(f"bench.p9.camp.{i}", [f"officer@{c}" for _, c in part])
             for i, part in enumerate(chunks(provinces))]
    for i, part in enumerate(chunks(grant_communes(a.db))):
        plan.append((f"bench.p9.grant.officer.{i}", [f"officer@{c}" for _, c in part]))
        plan.append((f"bench.p9.grant.approver.{i}", [f"approver@{c}" for _, c in part]))

    def create(item):
        name, roles = item
        args = [a.bin, "users", "create", "--username", name, "--password-stdin", "--full-name",
                f"Bench P9 {name}"]
        for r in roles:
            args += ["--role", r]
        subprocess.run(args, input=password, text=True, check=True, stdout=subprocess.DEVNULL)
    parallel(create, plan, workers=2)
    print(f"P9 seed: {len(plan)} users")


def setup(a):
    client = Client(a.base)
    password = open(a.password_file).read()
    tokens = {role: sign_in(client, f"bench.p9.{role}", password)
              for role in ("admin", "approver", "accountant")}
    path = os.path.join(a.work, "p9.tokens")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(tokens, f)

    provinces = psql(a.db, "SELECT id, code FROM units WHERE tier = 'province' ORDER BY code")
    t0 = time.time()
    for i, part in enumerate(chunks(provinces)):
        token = sign_in(client, f"bench.p9.camp.{i}", password)

        def campaign(p):
            uid, code = p
            s, b = client.call("POST", "/v1/campaigns", token, {
                "unit_id": uid, "kind": "general", "name": f"Bench P9 quỹ tỉnh {code}",
                "starts_on": "2025-01-01", "ends_on": "2025-12-31", "restricted": True})
            must(s, b, 201, f"campaign of {code}")
        parallel(campaign, part)
    print(f"P9 seed: {len(provinces)} restricted campaigns over HTTP in {time.time() - t0:.1f} s")


def tokens_of(a):
    return json.load(open(os.path.join(a.work, "p9.tokens")))


def grants(a):
    client = Client(a.base)
    password = open(a.password_file).read()
    communes = grant_communes(a.db)
    t0 = time.time()
    for i, part in enumerate(chunks(communes)):
        officer = sign_in(client, f"bench.p9.grant.officer.{i}", password)
        approver = sign_in(client, f"bench.p9.grant.approver.{i}", password)

        def grant(u):
            uid, code = u
            s, b = client.call("POST", "/v1/disbursements", officer, {
                "unit_id": uid, "category": "livelihood", "amount": "150000", "method": "cash",
                "description": f"Bench P9: hỗ trợ sinh kế, xã {code}"})
            gid = must(s, b, 201, f"grant in {code}")["id"]
            s, b = client.call("POST", f"/v1/disbursements/{gid}/approve", approver)
            must(s, b, 200, f"approval of the grant in {code}")
        parallel(grant, part)
    print(f"P9 seed: {len(communes)} approved grants (open obligations) over HTTP in {time.time() - t0:.1f} s")


def rounds(a):
    client = Client(a.base)
    tokens = tokens_of(a)
    tw = psql(a.db, "SELECT id FROM units WHERE code = 'TW'")[0][0]
    report = {"rounds": [], "errors": []}

    def step(token, action, body=None):
        t0 = time.time()
        s, b = client.call("POST", f"/v1/units/{tw}/handovers/{action}", tokens[token], body, timeout=3600)
        secs = time.time() - t0
        if s != 200:
            report["errors"].append({"action": action, "status": s, "body": b})
            print(f"P9 {action}: HTTP {s} {json.dumps(b, ensure_ascii=False)[:600]}", file=sys.stderr)
            return None, secs
        return b, secs

    for n in range(1, ROUNDS_MAX + 1):
        # each round is recorded as far as it got: a step that did not answer 200 ends the rounds
        plan, t_plan = step("admin", "plan", {"effective_on": EFFECTIVE_ON, "decision_no": "Bench P9"})
        if plan is None:
            break
        r = {"round": n, "plan_s": round(t_plan, 3), "proposed": len(plan["proposed"]),
             "needs_decision": len(plan["needs_decision"]), "needs_decision_list": plan["needs_decision"]}
        report["rounds"].append(r)
        if not plan["proposed"]:
            print(f"P9 round {n}: plan {t_plan:.1f} s, nothing to propose; "
                  f"{len(plan['needs_decision'])} need a decision")
            break
        approved, t_appr = step("approver", "approve-all")
        if approved is None:
            break
        r.update({"approve_s": round(t_appr, 3), "approved": len(approved["approved"]),
                  "skipped": approved["skipped"]})
        executed, t_exec = step("accountant", "execute-all")
        if executed is None:
            r["execute_s"] = round(t_exec, 3)
            break
        r.update({"execute_s": round(t_exec, 3), "executed": len(executed["executed"]),
                  "stale": len(executed["stale"]), "failed": executed["failed"]})
        print(f"P9 round {n}: plan {t_plan:.1f} s ({r['proposed']} proposed, {r['needs_decision']} need a "
              f"decision), approve-all {t_appr:.1f} s ({r['approved']} approved, {len(r['skipped'])} skipped), "
              f"execute-all {t_exec:.1f} s ({r['executed']} executed, {r['stale']} stale, "
              f"{len(r['failed'])} failed)")
        for f in r["failed"][:5]:
            print(f"  failed: {f}", file=sys.stderr)
        for s in r["skipped"][:5]:
            print(f"  skipped: {s}", file=sys.stderr)
    else:
        report["errors"].append({"action": "rounds", "status": None,
                                 "body": f"plan still proposed after {ROUNDS_MAX} rounds"})
    json.dump(report, open(os.path.join(a.work, "p9-rounds.json"), "w"), indent=1)


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def report(a):
    """The checks that compare with before, the figures, the table; p9.json; the exit status."""
    w = a.work
    t = dict(kv.split("=", 1) for kv in a.timings.split())
    num = {k: float(v) for k, v in t.items()}
    checks = []  # (name, ok, detail)

    def check(name, ok, detail):
        checks.append({"name": name, "ok": bool(ok), "detail": detail})

    # the succession file, as published
    refused = [l[0] for l in read_tsv(f"{w}/p9-successions.refused")]
    check("succession file imported whole", not refused,
          f"{len(refused)} lines refused by the import" + (f" (lines {', '.join(refused)}; "
          f"see p9-successions.err), the other lines imported" if refused else ""))

    # the rounds
    rounds_doc = json.load(open(f"{w}/p9-rounds.json"))
    rounds = rounds_doc["rounds"]
    check("bulk requests answered 200", not rounds_doc["errors"],
          f"{len(rounds_doc['errors'])} errors" + (
              f": {json.dumps(rounds_doc['errors'][0], ensure_ascii=False)[:300]}" if rounds_doc["errors"] else ""))
    failed = [f for r in rounds for f in r.get("failed", [])]
    skipped = [s for r in rounds for s in r.get("skipped", [])]
    codes = {}
    for f in failed:
        codes[f["code"]] = codes.get(f["code"], 0) + 1
    units_of = {}
    if failed:
        ids = ",".join(f"'{f['handover_id']}'" for f in failed[:20])
        units_of = dict(psql(a.db, f"SELECT h.id, u.code FROM handovers h JOIN units u ON u.id = h.from_unit_id "
                                   f"WHERE h.id IN ({ids})"))
    check("no execution failed", not failed, f"{len(failed)} failed {codes or ''}".strip() + (
        " (units " + ", ".join(f"{units_of.get(f['handover_id'], '?')}: {f['code']}" for f in failed[:8]) + ")"
        if failed else ""))
    check("no approval skipped", not skipped, f"{len(skipped)} skipped")
    done = bool(rounds) and rounds[-1].get("proposed", 1) == 0
    check("rounds until plan proposes nothing", done, f"{len(rounds)} rounds")

    # every dissolving unit handed over, or listed as needing a decision by the last plan
    dissolving = {r[0]: (r[1], r[2]) for r in read_tsv(f"{w}/p9-dissolving.tsv")}
    status = {r[0]: r[3] for r in read_tsv(f"{w}/p9-units-after.tsv")}
    last_needs = {n["unit_id"]: n["reason"] for n in (rounds[-1].get("needs_decision_list", []) if rounds else [])}
    handed = [u for u in dissolving if status.get(u) == "dissolved"]
    listed = [u for u in dissolving if status.get(u) != "dissolved" and u in last_needs]
    neither = [u for u in dissolving if status.get(u) != "dissolved" and u not in last_needs]
    reasons = {}
    for u in listed:
        reasons[last_needs[u]] = reasons.get(last_needs[u], 0) + 1
    by_tier = {}
    for u in handed:
        tier = dissolving[u][1]
        by_tier[tier] = by_tier.get(tier, 0) + 1
    check("every dissolving unit handed over or needing a decision", not neither,
          f"{len(dissolving)} dissolving: {len(handed)} handed over {by_tier}, {len(listed)} need a "
          f"decision {reasons}, {len(neither)} neither"
          + (f" (e.g. {', '.join(dissolving[u][0] for u in neither[:8])})" if neither else ""))

    # the database's own checks
    for name, ok, detail in read_tsv(f"{w}/p9-checks.tsv"):
        check(name, ok == "ok", detail)

    # seal chains
    verify = open(f"{w}/p9-verify.txt").read().strip().splitlines()
    check("every seal chain verifies (doanket ledger verify)", num["verify_rc"] == 0,
          (verify[-1] if verify else "no output") + f" (exit {int(num['verify_rc'])}, {num['verify_ms'] / 1000:.1f} s)")

    # national totals, before = after to the đồng
    before = {(r[0], r[1]): int(r[2]) for r in read_tsv(f"{w}/p9-totals-before.tsv")}
    after = {(r[0], r[1]): int(r[2]) for r in read_tsv(f"{w}/p9-totals-after.tsv")}
    totals = []
    # in the query's order (dicts keep it), then any key only after has
    for key in list(before) + [k for k in after if k not in before]:
        b, a_ = before.get(key, 0), after.get(key, 0)
        totals.append({"kind": key[0], "key": key[1], "before": b, "after": a_})
    for x in totals:
        if x["kind"] != "earmark":
            check(f"national total unchanged: {x['kind']}", x["before"] == x["after"],
                  f"{x['before']:,} → {x['after']:,} VND".replace(",", "."))
    earmarks = [x for x in totals if x["kind"] == "earmark"]
    check("national total unchanged: each earmark", not [x for x in earmarks if x["before"] != x["after"]],
          f"{len(earmarks)} campaigns, {sum(1 for x in earmarks if x['before'] != x['after'])} changed")

    handovers = {r[0]: int(r[1]) for r in read_tsv(f"{w}/p9-handovers.tsv")}
    postings = int(open(f"{w}/p9-postings-after").read()) - int(open(f"{w}/p9-postings-before").read())
    p9_s = num["p9_ms"] / 1000
    per_posting_ms = num["baseline_ms"] / max(num["baseline_postings"], 1)
    baseline_s = per_posting_ms * postings / 1000
    doc = {
        "seconds": p9_s, "bar_s": num["bar_s"], "bar_ok": p9_s <= num["bar_s"],
        "import_2026_s": num["import_2026_ms"] / 1000, "successions_s": num["successions_ms"] / 1000,
        "rounds": [{k: v for k, v in r.items() if k not in ("needs_decision_list",)} for r in rounds],
        "postings": postings, "handovers": handovers,
        "baseline": {"postings_inserted": int(num["baseline_postings"]), "insert_s": num["baseline_ms"] / 1000,
                     "per_posting_us": per_posting_ms * 1000, "for_p9_postings_s": baseline_s,
                     "ratio": p9_s / baseline_s if baseline_s else None},
        "seed": {"import_2025_s": num["import_2025_ms"] / 1000, "seconds": num["seed_s"]},
        "sealer_catch_up_s": num["seal_catch_up_s"],
        "dissolving": len(dissolving), "handed_over": len(handed), "handed_over_by_tier": by_tier,
        "needs_decision": reasons, "neither": len(neither),
        "totals": totals, "checks": checks,
    }
    json.dump(doc, open(f"{w}/p9.json", "w"), indent=2, ensure_ascii=False)

    print()
    print(f"P9 seed (not timed in the bar): the 2025-03 tree in {doc['seed']['import_2025_s']:.1f} s, "
          f"money in every fund, {num['seed_s']:.0f} s in all")
    def part(r, key, label, counts):
        if key not in r:
            return f"{label} not answered"
        return f"{label} {r[key]:.1f} s ({counts})"
    for r in rounds:
        if not r.get("proposed"):
            print(f"P9 round {r['round']}: plan {r['plan_s']:.1f} s, nothing left to propose")
            continue
        print(f"P9 round {r['round']}: plan {r['plan_s']:.1f} s ({r['proposed']} proposed, "
              f"{r['needs_decision']} need a decision), "
              + part(r, "approve_s", "approve-all", f"{r.get('approved')} approved") + ", "
              + (part(r, "execute_s", "execute-all", f"{r['executed']} executed, {r['stale']} stale, "
                      f"{len(r['failed'])} failed") if "executed" in r else
                 (f"execute-all failed after {r['execute_s']:.1f} s" if "execute_s" in r else "execute-all not sent")))
    print(f"P9 total: 2026 list {doc['import_2026_s']:.1f} s + successions {doc['successions_s']:.1f} s + "
          f"{len(rounds)} rounds = {p9_s:.1f} s (bar {num['bar_s']:.0f} s) {'ok' if doc['bar_ok'] else 'MISS'}")
    print(f"P9 baseline: {int(num['baseline_postings'])} postings by plain INSERT … SELECT in "
          f"{num['baseline_ms'] / 1000:.2f} s = {per_posting_ms * 1000:.1f} µs per posting; × {postings} "
          f"postings P9 wrote = {baseline_s:.1f} s; P9 took {doc['baseline']['ratio'] or 0:.1f}× that")
    print(f"P9: the sealer caught up in {num['seal_catch_up_s']:.0f} s after the rounds; handovers {handovers}")
    print("P9 totals (VND):")
    for x in totals:
        if x["kind"] != "earmark":
            print(f"  {x['kind']:<32} {x['before']:>20,} {x['after']:>20,}".replace(",", "."))
    print(f"  {len(earmarks)} earmarks (one per campaign): {sum(x['before'] for x in earmarks):,} → "
          f"{sum(x['after'] for x in earmarks):,}".replace(",", "."))
    print("P9 checks:")
    for c in checks:
        print(f"  {'ok  ' if c['ok'] else 'FAIL'} {c['name']}: {c['detail']}")
    if not all(c["ok"] for c in checks):
        sys.exit(1)
    if not doc["bar_ok"]:
        sys.exit(2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["users", "setup", "grants", "rounds", "report"])
    p.add_argument("--base", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--password-file")
    p.add_argument("--bin", default="target/release/doanket")
    p.add_argument("--timings", default="")
    a = p.parse_args()
    {"users": users, "setup": setup, "grants": grants, "rounds": rounds,
     "report": report}[a.command](a)


if __name__ == "__main__":
    main()
