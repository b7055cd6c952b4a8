"""Starts moto's S3/IAM server on 127.0.0.1 as an independent SigV4 judge: with
INITIAL_NO_AUTH_ACTION_COUNT it verifies every signature strictly once the first actions (which
create an IAM user with an access key) are spent. Prints one JSON line
{"endpoint", "accessKeyId", "secretAccessKey"} and serves until stdin closes."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import boto3

# SIGTERM runs the `finally` below too, so moto's server never outlives this process.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

sock = socket.socket()
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
sock.close()
server = subprocess.Popen(
    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
    env=dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3"),
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
try:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    endpoint = f"http://127.0.0.1:{port}"
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="setup", aws_secret_access_key="setup")
    iam.create_user(UserName="judge")
    iam.put_user_policy(UserName="judge", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="judge")["AccessKey"]
    print(json.dumps({"endpoint": endpoint, "accessKeyId": key["AccessKeyId"],
                      "secretAccessKey": key["SecretAccessKey"]}), flush=True)
    sys.stdin.read()
finally:
    server.kill()
    server.wait()
