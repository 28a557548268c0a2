"""Parses the golden XML fixtures with Debian botocore's own query parser (run by boto3-smoke.test.ts).

Argument pairs: FIXTURE_FILE OPERATION STATUS. Prints {file: parsed output} as JSON.
"""

import json
import sys

import botocore.parsers
import botocore.session

model = botocore.session.get_session().get_service_model('importexport')
parser = botocore.parsers.create_parser('query')
out = {}
args = sys.argv[1:]
for path, operation, status in zip(args[0::3], args[1::3], args[2::3]):
    with open(path, 'rb') as f:
        body = f.read().rstrip(b'\n')
    shape = model.operation_model(operation).output_shape
    parsed = parser.parse({'body': body, 'headers': {}, 'status_code': int(status)}, shape)
    out[path.rsplit('/', 1)[-1]] = parsed
json.dump(out, sys.stdout, default=str)
