#!/usr/bin/env bash
# Validates the checked-in OpenAPI document with tools that are not ours: openapi-spec-validator
# (the OpenAPI 3.1 specification and its JSON Schema dialect, every $ref resolved), then every
# example in the document against the schema beside it (jsonschema, which the validator brings).
# The drift test (tests/api/openapi.rs) keeps the file equal to what the code generates.
#
# The tools are installed from PyPI into a venv in ~/.cache/doanket/ (as scripts/schemathesis.sh
# does). Usage: scripts/validate-openapi.sh [document], default openapi/openapi.json.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'scripts/validate-openapi.sh: %s\n' "$*" >&2; }

version=0.7.2
venv="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/doanket/openapi-spec-validator-$version"
document=${1:-openapi/openapi.json}

if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    say "installing openapi-spec-validator $version into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==$version"
fi

"$venv/bin/openapi-spec-validator" --schema 3.1.0 "$document"

"$venv/bin/python" - "$document" <<'PY'
"""Every `example` of a media type, and every schema `example`, against its schema."""
import json
import sys

from jsonschema import Draft202012Validator

doc = json.load(open(sys.argv[1]))
checked, failures = 0, []


def check(where, schema, example):
    global checked
    # the schema's `#/components/...` references resolve inside this root
    root = dict(schema, components=doc.get("components", {}))
    root.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    checked += 1
    for error in Draft202012Validator(root).iter_errors(example):
        path = "/".join(str(p) for p in error.absolute_path) or "(the example)"
        failures.append(f"{where}: {path}: {error.message[:300]}")


for path, item in doc["paths"].items():
    for method, op in item.items():
        if not isinstance(op, dict) or "responses" not in op:
            continue
        where = f"{method.upper()} {path}"
        for media_type, content in op.get("requestBody", {}).get("content", {}).items():
            if "example" in content:
                check(f"{where} request {media_type}", content.get("schema", {}), content["example"])
        for status, response in op["responses"].items():
            for media_type, content in response.get("content", {}).items():
                if "example" in content:
                    check(f"{where} {status} {media_type}", content.get("schema", {}), content["example"])


def schema_examples(where, schema):
    if isinstance(schema, dict):
        if "example" in schema and "$ref" not in schema:
            check(where, schema, schema["example"])
        for key, value in schema.items():
            if key not in ("example", "examples", "enum", "default"):
                schema_examples(f"{where}/{key}", value)
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            schema_examples(f"{where}/{i}", value)


for name, schema in doc.get("components", {}).get("schemas", {}).items():
    schema_examples(f"components/schemas/{name}", schema)

for failure in failures:
    print(failure, file=sys.stderr)
print(f"{checked} examples checked against their schemas, {len(failures)} do not match")
sys.exit(1 if failures else 0)
PY
