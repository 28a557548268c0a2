"""Drives Longshore's query API with Debian's boto3, unmodified (run by boto3.test.ts).

Reads one JSON object on stdin:

    {"endpoint": URL, "region": "us-east-1", "accessKeyId": K, "secretAccessKey": S,
     "signatureVersion": "v2" or null (botocore's default),
     "calls": [{"op": "CreateJob", "params": {...},
                "credentials": {"accessKeyId": K2, "secretAccessKey": S2} (optional),
                "region": "eu-west-1" (optional: sign for another region),
                "paginate": {"PageSize": 3} (optional: run botocore's paginator instead)}, ...]}

and prints one JSON array with one result per call, in order:

    {"ok": true, "output": {...}, "sent": [...]}     (paginated: "pages": [{...}, ...])
    {"ok": false, "exception": "InvalidJobIdException", "modeled": true, "code": ..., "message": ...,
     "status": 400, "sent": [...]}

`exception` is the class boto3 raised; `modeled` says it is `client.exceptions.<code>` (a class of the
service model) rather than a plain ClientError. `sent` describes how each HTTP request of the call was
signed, as it left botocore. Timestamps come back as {"$datetime": ISO-8601, "tz": bool}.
"""

import datetime
import json
import sys
from urllib.parse import parse_qs

import boto3
import botocore.exceptions
from botocore import xform_name
from botocore.config import Config


def signing_of(request):
    """How a prepared request was signed: SigV4 (Authorization header) or SigV2 (form fields)."""
    auth = request.headers.get('Authorization')
    if isinstance(auth, bytes):
        auth = auth.decode()
    body = request.body or b''
    if isinstance(body, bytes):
        body = body.decode()
    form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    return {
        'authorization': auth.split(' Signature=')[0] if auth else None,
        'signatureVersion': form.get('SignatureVersion'),
        'signatureMethod': form.get('SignatureMethod'),
        'awsAccessKeyId': form.get('AWSAccessKeyId'),
        'action': form.get('Action'),
        'version': form.get('Version'),
        'marker': form.get('Marker'),
        'maxJobs': form.get('MaxJobs'),
    }


def make_client(spec, credentials, region, sent):
    config = Config(signature_version=spec['signatureVersion']) if spec.get('signatureVersion') else None
    client = boto3.client(
        'importexport',
        endpoint_url=spec['endpoint'],
        region_name=region,
        aws_access_key_id=credentials['accessKeyId'],
        aws_secret_access_key=credentials['secretAccessKey'],
        config=config,
    )
    client.meta.events.register('before-send', lambda request, **_: sent.append(signing_of(request)))
    return client


def plain(value):
    if isinstance(value, datetime.datetime):
        return {'$datetime': value.isoformat(), 'tz': value.tzinfo is not None}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != 'ResponseMetadata'}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def run_call(spec, call, clients):
    credentials = call.get('credentials') or {
        'accessKeyId': spec['accessKeyId'],
        'secretAccessKey': spec['secretAccessKey'],
    }
    region = call.get('region') or spec.get('region', 'us-east-1')
    key = (credentials['accessKeyId'], credentials['secretAccessKey'], region)
    if key not in clients:
        sent = []
        clients[key] = (make_client(spec, credentials, region, sent), sent)
    client, sent = clients[key]
    sent.clear()
    method = xform_name(call['op'])
    params = call.get('params', {})
    try:
        if 'paginate' in call:
            paginator = client.get_paginator(method)
            pages = [plain(page) for page in paginator.paginate(
                PaginationConfig=call['paginate'], **params)]
            return {'ok': True, 'pages': pages, 'sent': list(sent)}
        output = getattr(client, method)(**params)
        return {'ok': True, 'output': plain(output), 'sent': list(sent)}
    except botocore.exceptions.ClientError as err:
        error = err.response.get('Error', {})
        code = error.get('Code')
        modeled_class = getattr(client.exceptions, code, None) if code else None
        return {
            'ok': False,
            'exception': type(err).__name__,
            'modeled': modeled_class is not None and type(err) is modeled_class,
            'code': code,
            'type': error.get('Type'),
            'message': error.get('Message'),
            'status': err.response.get('ResponseMetadata', {}).get('HTTPStatusCode'),
            'sent': list(sent),
        }
    except botocore.exceptions.BotoCoreError as err:
        # Refused before anything was sent (e.g. parameter validation): recorded, never hidden.
        return {'ok': False, 'exception': type(err).__name__, 'modeled': False, 'code': None,
                'message': str(err), 'status': None, 'sent': list(sent)}


def main():
    spec = json.load(sys.stdin)
    clients = {}
    results = [run_call(spec, call, clients) for call in spec['calls']]
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
