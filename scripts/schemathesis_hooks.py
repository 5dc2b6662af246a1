"""Schemathesis hooks for `scripts/schemathesis.sh`.

The fuzzer signs in as one demo admin and learns that account's id from `GET /v1/auth/me`. Left
alone it would sooner or later replace the account's own roles, and every later request would be a
403 that tests nothing. So the fuzzer never edits its own account's roles: such a call is pointed
at an unknown user instead (an expected 404).
"""

import os
import uuid

import schemathesis

OWN_ID = os.environ.get("DOANKET_FUZZ_USER_ID", "")
PROTECTED = {("PUT", "/v1/users/{id}/roles")}


@schemathesis.hook
def before_call(context, case, kwargs):
    key = (case.operation.method.upper(), case.operation.path)
    if OWN_ID and key in PROTECTED and (case.path_parameters or {}).get("id") == OWN_ID:
        case.path_parameters["id"] = str(uuid.uuid4())
