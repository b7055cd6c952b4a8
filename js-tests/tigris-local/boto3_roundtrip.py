"""boto3 (default settings, path-style addressing) round trip against a running tigris-local:
create bucket, put, get, list, presigned GET and PUT (generate_presigned_url), delete; then a
wrong secret and a tampered presigned URL. Prints one JSON object with what each step saw; the
caller (clients.test.mjs next to this file) asserts on it. Usage: boto3_roundtrip.py ENDPOINT
BUCKET."""
import json
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1], sys.argv[2]


def client(secret):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="auto",
        aws_access_key_id="tid_local",
        aws_secret_access_key=secret,
        config=Config(s3={"addressing_style": "path"}),
    )


def fetch(url, method="GET", data=None):
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def code_of(fn):
    try:
        fn()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]


s3 = client("tsec_local")
out = {}
s3.create_bucket(Bucket=bucket)
out["put_etag"] = s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello from boto3")["ETag"]
out["get"] = s3.get_object(Bucket=bucket, Key="hello.txt")["Body"].read().decode()
out["list"] = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "hello.txt"}, ExpiresIn=300)
out["presigned_get"] = fetch(get_url)
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
out["presigned_put"] = fetch(put_url, "PUT", b"uploaded through a boto3 URL")[0]
out["after_put"] = s3.get_object(Bucket=bucket, Key="up.txt")["Body"].read().decode()
out["tampered_get"] = fetch(get_url.replace("hello.txt", "up.txt"))
out["wrong_secret"] = code_of(lambda: client("not-the-secret").get_object(Bucket=bucket, Key="hello.txt"))
s3.delete_object(Bucket=bucket, Key="hello.txt")
s3.delete_object(Bucket=bucket, Key="up.txt")
out["after_delete"] = code_of(lambda: s3.get_object(Bucket=bucket, Key="hello.txt"))
s3.delete_bucket(Bucket=bucket)
out["bucket_gone"] = code_of(lambda: s3.head_bucket(Bucket=bucket))
print(json.dumps(out))
