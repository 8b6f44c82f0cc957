"""Schemathesis hooks for the fuzz test (test/integration/fuzz.test.ts).

Carrier webhooks are signed: an unsigned request only ever reaches the 403 of the signature check. This hook signs
well-formed form bodies the way the carrier does (X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by every
field name and value sorted by name, keyed by the auth token), so the fuzzer also reaches the handlers behind it.
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping

import schemathesis

PUBLIC_URL = os.environ["FUZZ_PUBLIC_URL"]
AUTH_TOKEN = os.environ["FUZZ_TWILIO_AUTH_TOKEN"]


def _form_fields(body):
    # Only a flat form of scalar values reaches the server as the same fields; anything else stays unsigned (403).
    if not isinstance(body, Mapping):
        return None
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in body.values()):
        return None
    return {str(k): str(v) for k, v in body.items()}


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if not case.operation.path.startswith("/webhooks/"):
        return
    fields = _form_fields(case.body)
    if fields is None:
        return
    payload = PUBLIC_URL + case.formatted_path + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(AUTH_TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
    case.headers = {**(case.headers or {}), "X-Twilio-Signature": base64.b64encode(digest).decode()}


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    # A text body cannot have the wrong type: schemathesis' "incorrect type" negation of a `type: string` text/csv body
    # (an object, a number) reaches the server as its text, which is a valid string, so the API rightly accepts it
    # (ST201, "Schema-violating request accepted", on POST /v1/calling-lists/fields with the body `{}`). Such a failure
    # is dropped only when nothing else in the request was invalid; a string body that breaks a constraint still counts.
    if failure.code != "ST201" or not (case.media_type or "").startswith("text/") or isinstance(case.body, str):
        return True
    components = case.meta.components if case.meta is not None else {}
    return any(component.mode.is_negative for location, component in components.items() if location != "body")
