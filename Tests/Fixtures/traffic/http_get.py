#!/usr/bin/env python3
"""GET URL once (2 s timeout) and print {"status", "headers", "body"} as JSON; status 0 and the
error in "body" when the connection fails (refused, timeout). Used by the health-check tests."""
import json, sys, urllib.error, urllib.request

url = sys.argv[1]
try:
    with urllib.request.urlopen(url, timeout=2) as r:
        out = {"status": r.status, "headers": dict(r.headers), "body": r.read().decode()}
except urllib.error.HTTPError as e:
    out = {"status": e.code, "headers": dict(e.headers), "body": e.read().decode()}
except Exception as e:  # refused, reset, timeout
    out = {"status": 0, "headers": {}, "body": repr(e)}
print(json.dumps(out))
