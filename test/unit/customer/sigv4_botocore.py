"""Computes SigV4 signatures with Debian's botocore, independently of the code under test.

Reads one JSON object per line on stdin:
  {"method", "url", "headers": {name: value}, "body", "accessKey", "secretKey", "sessionToken",
   "region", "service", "amzDate"}
and writes one JSON object per line on stdout: {"signature": hex} or {"error": text}.
`headers` are exactly the headers the request's SignedHeaders names; `amzDate` is its X-Amz-Date.
"""
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

for line in sys.stdin:
    try:
        r = json.loads(line)
        request = AWSRequest(
            method=r["method"], url=r["url"], data=r["body"].encode("utf-8"), headers=r["headers"]
        )
        request.context["timestamp"] = r["amzDate"]
        auth = SigV4Auth(
            Credentials(r["accessKey"], r["secretKey"], r.get("sessionToken")), r["service"], r["region"]
        )
        canonical = auth.canonical_request(request)
        string_to_sign = auth.string_to_sign(request, canonical)
        result = {"signature": auth.signature(string_to_sign, request), "canonical": canonical}
    except Exception as err:  # reported to the test, which fails
        result = {"error": repr(err)}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
