"""A small smoke test of Longshore's query API with Debian's boto3 (run by boto3-smoke.test.ts).

Reads ENDPOINT, KEY, SECRET, BUCKET and SIG ('v4' or 'v2') from the environment and prints one
JSON object with what boto3 returned. The full compatibility suite lives elsewhere.
"""

import json
import os
import sys

import boto3
from botocore.config import Config

env = os.environ
config = Config(signature_version='v2') if env['SIG'] == 'v2' else Config()
client = boto3.client(
    'importexport', endpoint_url=env['ENDPOINT'], region_name='us-east-1',
    aws_access_key_id=env['KEY'], aws_secret_access_key=env['SECRET'], config=config)
manifest = env['MANIFEST']

out = {}
out['empty'] = client.list_jobs()['Jobs']
created = client.create_job(JobType='Import', Manifest=manifest, ValidateOnly=False)
out['created'] = {k: created.get(k) for k in ('JobId', 'JobType', 'Signature', 'SignatureFileContents')}
status = client.get_status(JobId=created['JobId'])
out['status'] = {k: status.get(k) for k in ('JobId', 'LocationCode', 'ProgressCode', 'ErrorCount',
                                             'CurrentManifest', 'Carrier')}
out['status']['CreationDate'] = status['CreationDate'].isoformat()
listed = client.list_jobs(MaxJobs=5)
out['listed'] = [[j['JobId'], j['IsCanceled'], j['JobType']] for j in listed['Jobs']]
out['truncated'] = listed['IsTruncated']
try:
    client.get_status(JobId='ZZZZZ')
    out['error'] = None
except client.exceptions.InvalidJobIdException as err:
    out['error'] = [err.response['Error']['Code'], err.response['ResponseMetadata']['HTTPStatusCode']]
json.dump(out, sys.stdout)
