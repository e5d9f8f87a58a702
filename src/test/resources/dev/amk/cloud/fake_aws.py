#!/usr/bin/env python3
"""A loopback fake of AWS (STS, IAM and S3 subsets) over TLS for the broker's tests.

Every request's SigV4 signature is recomputed with botocore's own signer (SigV4Auth / S3SigV4Auth from Debian's
python3-botocore), an implementation independent of the broker's (the AWS SDK for Java), with the credentials this
fake knows: the long-term key the test configures, and the session credentials its STS handed out. A session whose
policy is ReadOnlyAccess may not write (AccessDenied, as AWS answers); session credentials expire (ExpiredToken) by the
requests' own X-Amz-Date, the broker's controllable clock. Each request is logged as one JSON line.

Usage: fake_aws.py DIR ACCESS_KEY_ID SECRET   (prints "READY PORT" once listening; DIR gets cert.pem and log.jsonl)
"""
import hashlib
import hmac
import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ACCOUNT = "123456789012"

DIR, LONG_ID, LONG_SECRET = sys.argv[1], sys.argv[2], sys.argv[3]
KEYS = {LONG_ID: {"secret": LONG_SECRET, "token": None, "arn": f"arn:aws:iam::{ACCOUNT}:user/owner", "read_only": False}}
OBJECTS = {("data", "hello.txt"): b"hello from the fake S3\n"}
LOCK = threading.Lock()
LOG = open(os.path.join(DIR, "log.jsonl"), "a", buffering=1)


def log(**entry):
    with LOCK:
        LOG.write(json.dumps(entry) + "\n")


def endpoint(host):
    """(service, region) for a host, as AWS derives them."""
    labels = host.split(".")[:-2]  # drop amazonaws.com
    region = "us-east-1"
    if len(labels) >= 2 and labels[-1].count("-") >= 2:
        region = labels[-1]
        labels = labels[:-1]
    return labels[-1], region


class PayloadAsSent(S3SigV4Auth):
    """S3's signer with the payload hash the request declares, checked against the body when it is a hash."""

    declared = None

    def payload(self, request):
        declared = self.declared  # read before botocore replaces the header with this method's answer
        if declared not in ("UNSIGNED-PAYLOAD",) and declared != hashlib.sha256(request.body or b"").hexdigest():
            raise ValueError("x-amz-content-sha256 does not match the body: " + str(declared))
        return declared


def verify(method, host, path, headers, body):
    """Returns (key record, access key id) or raises ValueError saying why the signature is wrong."""
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        raise ValueError("no SigV4 Authorization header")
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, date, region, service, _ = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    key = KEYS.get(akid)
    if key is None:
        raise ValueError("unknown access key id " + akid)
    want_service, want_region = endpoint(host)
    if (service, region) != (want_service, want_region):
        raise ValueError(f"credential scope {region}/{service} is not the host's {want_region}/{want_service}")
    subset = {}
    for name in signed:
        values = [v for k, v in headers.items() if k.lower() == name]
        if not values:
            raise ValueError("signed header missing: " + name)
        subset[name] = values[0]
    request = AWSRequest(method=method, url="https://" + host + path, headers=subset, data=body)
    request.context["timestamp"] = next(v for k, v in headers.items() if k.lower() == "x-amz-date")
    creds = Credentials(akid, key["secret"], key["token"])
    signer = PayloadAsSent(creds, service, region) if service == "s3" else SigV4Auth(creds, service, region)
    signer.declared = subset.get("x-amz-content-sha256")
    if service == "s3" and signer.declared is None:
        raise ValueError("S3 request without a signed x-amz-content-sha256")
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, parts["Signature"]):
        raise ValueError("signature does not match (botocore canonical request: " + canonical.replace("\n", "\\n") + ")")
    if key["token"] is not None and subset.get("x-amz-security-token") != key["token"]:
        raise ValueError("session token missing or wrong")
    if key.get("expires") is not None and request_time(headers) >= key["expires"]:
        raise Expired(akid)
    return key, akid


class Expired(Exception):
    """Session credentials used at or after their Expiration (by the request's own X-Amz-Date)."""


def request_time(headers):
    """The request's X-Amz-Date: the signer's clock, which the tests control, rather than this machine's."""
    stamp = next(v for k, v in headers.items() if k.lower() == "x-amz-date")
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def xml(root, inner, ns="https://sts.amazonaws.com/doc/2011-06-15/"):
    attribute = f' xmlns="{ns}"' if ns else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><{root}{attribute}>{inner}</{root}>'.encode()


def error(code, message, status):
    return status, xml("ErrorResponse", f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def handle_any(self):
        method = self.command
        host = self.headers.get("Host", "").split(":")[0]
        body = self.body() if method in ("PUT", "POST") else b""
        headers = dict(self.headers.items())
        entry = {"method": method, "host": host, "path": self.path, "authorization": self.headers.get("Authorization", ""),
                 "contentSha256": self.headers.get("X-Amz-Content-SHA256"), "contentEncoding": self.headers.get("Content-Encoding"),
                 "bytes": len(body)}
        try:
            key, akid = verify(method, host, self.path, headers, body)
        except Expired as e:
            log(verified=False, expired=True, why="expired session " + str(e), **entry)
            self.answer(*error("ExpiredToken", "The security token included in the request is expired", 400))
            return
        except (ValueError, KeyError) as e:
            log(verified=False, why=str(e), **entry)
            self.answer(*error("SignatureDoesNotMatch", "fake: " + str(e)[:2000], 403))
            return
        log(verified=True, akid=akid, readOnly=key["read_only"], **entry)
        service, region = endpoint(host)
        if service == "sts":
            self.answer(*self.sts(key, akid, urllib.parse.parse_qs(body.decode()), request_time(headers)))
        elif service == "iam":
            self.answer(*self.iam(key, urllib.parse.parse_qs(body.decode())))
        elif service == "s3":
            self.s3(key, host, method, body)
        else:
            self.answer(*error("UnknownService", service, 400))

    def sts(self, key, akid, form, now):
        action = form.get("Action", [""])[0]
        if action == "GetCallerIdentity":
            return 200, xml("GetCallerIdentityResponse", f"<GetCallerIdentityResult><Arn>{key['arn']}</Arn><UserId>{akid}</UserId>"
                                                         f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult>")
        if action in ("GetFederationToken", "AssumeRole"):
            if key["token"] is not None:
                return error("AccessDenied", "session credentials cannot call " + action, 403)
            arns = [v[0] for k, v in form.items() if k.startswith("PolicyArns.member.")]
            name = form.get("Name", form.get("RoleSessionName", ["?"]))[0]
            new_id = "ASIA" + secrets.token_hex(8).upper()
            seconds = int(form.get("DurationSeconds", ["3600"])[0])
            # Expiration by the caller's clock (its X-Amz-Date), so that a test moving the broker's clock moves expiry too.
            record = {"secret": secrets.token_urlsafe(30), "token": "FQoG" + secrets.token_urlsafe(60), "read_only": READ_ONLY in arns,
                      "arn": f"arn:aws:sts::{ACCOUNT}:federated-user/{name}", "policy": form.get("Policy", [None])[0], "arns": arns,
                      "expires": now + timedelta(seconds=seconds)}
            KEYS[new_id] = record
            expires = record["expires"].strftime("%Y-%m-%dT%H:%M:%SZ")
            log(issued=new_id, action=action, name=name, policyArns=arns, policy=record["policy"], expiration=expires)
            result = "AssumeRoleResult" if action == "AssumeRole" else "GetFederationTokenResult"
            return 200, xml(action + "Response", f"<{result}><Credentials><AccessKeyId>{new_id}</AccessKeyId>"
                                                 f"<SecretAccessKey>{record['secret']}</SecretAccessKey><SessionToken>{record['token']}</SessionToken>"
                                                 f"<Expiration>{expires}</Expiration></Credentials></{result}>")
        return error("InvalidAction", action, 400)

    def iam(self, key, form):
        action = form.get("Action", [""])[0]
        if action == "ListUsers":
            return 200, xml("ListUsersResponse", "<ListUsersResult><Users><member><UserName>owner</UserName><Path>/</Path>"
                                                 f"<UserId>AIDAOWNER</UserId><Arn>arn:aws:iam::{ACCOUNT}:user/owner</Arn>"
                                                 "<CreateDate>2026-01-01T00:00:00Z</CreateDate></member></Users><IsTruncated>false</IsTruncated>"
                                                 "</ListUsersResult>", "https://iam.amazonaws.com/doc/2010-05-08/")
        if action == "CreateUser" and key["read_only"]:
            return error("AccessDenied", "not authorized to perform: iam:CreateUser", 403)
        return error("InvalidAction", action, 400)

    def s3(self, key, host, method, body):
        url = urllib.parse.urlsplit(self.path)
        labels = host.split(".")
        path = urllib.parse.unquote(url.path)
        if labels[0] != "s3":  # virtual-hosted style: bucket.s3….amazonaws.com
            bucket, obj = labels[0], path.lstrip("/")
        else:
            bucket, _, obj = path.lstrip("/").partition("/")
        s3ns = "http://s3.amazonaws.com/doc/2006-03-01/"
        if method not in ("GET", "HEAD") and key["read_only"]:
            self.answer(403, xml("Error", "<Code>AccessDenied</Code><Message>Access Denied</Message>", None))
            return
        if method == "GET" and not bucket:
            self.answer(200, xml("ListAllMyBucketsResult", "<Buckets><Bucket><Name>data</Name><CreationDate>2026-01-01T00:00:00.000Z"
                                                           "</CreationDate></Bucket></Buckets>", s3ns))
        elif method == "GET" and not obj:
            items = "".join(f"<Contents><Key>{k}</Key><Size>{len(v)}</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
                            f"<ETag>\"{hashlib.md5(v).hexdigest()}\"</ETag><StorageClass>STANDARD</StorageClass></Contents>"
                            for (b, k), v in sorted(OBJECTS.items()) if b == bucket)
            self.answer(200, xml("ListBucketResult", f"<Name>{bucket}</Name><Prefix></Prefix><KeyCount>{items.count('<Contents>')}</KeyCount>"
                                                     f"<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{items}", s3ns))
        elif method in ("GET", "HEAD") and obj == "slow":
            self.slow()
        elif method in ("GET", "HEAD"):
            data = OBJECTS.get((bucket, obj))
            if data is None:
                self.answer(404, xml("Error", "<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>", None))
                return
            self.answer(200, data if method == "GET" else b"", "application/octet-stream",
                        {"ETag": f"\"{hashlib.md5(data).hexdigest()}\"", "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT"},
                        length=len(data))
        elif method == "PUT":
            announced = self.headers.get("x-amz-sdk-checksum-algorithm")
            if announced and not self.headers.get("x-amz-trailer") and not any(k.lower().startswith("x-amz-checksum-") for k in self.headers):
                # S3's own rule: a checksum algorithm announced without the checksum.
                self.answer(400, xml("Error", "<Code>InvalidRequest</Code><Message>x-amz-sdk-checksum-algorithm specified, but no"
                                              " corresponding x-amz-checksum-* or x-amz-trailer headers were found.</Message>", s3ns))
                return
            if (self.headers.get("Content-Encoding") or "").find("aws-chunked") >= 0:
                self.answer(400, xml("Error", "<Code>InvalidRequest</Code><Message>fake: aws-chunked not expected here</Message>", s3ns))
                return
            OBJECTS[(bucket, obj)] = body
            log(stored=f"{bucket}/{obj}", bytes=len(body), sha256=hashlib.sha256(body).hexdigest())
            self.answer(200, b"", None, {"ETag": f"\"{hashlib.md5(body).hexdigest()}\""})
        else:
            self.answer(405, xml("Error", "<Code>MethodNotAllowed</Code><Message>fake</Message>", s3ns))

    def slow(self):
        """64 MiB at a trickle: long enough for a revocation to land mid-download."""
        total = 64 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        log(slowStarted=True)
        chunk = b"x" * 65536
        try:
            for _ in range(total // len(chunk)):
                self.wfile.write(chunk)
                self.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            log(slowCut=True)
            self.close_connection = True

    def answer(self, status, payload, content_type="text/xml", extra=None, length=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(length if length is not None else len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any


def main():
    cert, key = os.path.join(DIR, "cert.pem"), os.path.join(DIR, "key.pem")
    names = ["amazonaws.com", "*.amazonaws.com", "*.s3.amazonaws.com", "*.us-east-1.amazonaws.com", "*.s3.us-east-1.amazonaws.com"]
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=amazonaws.com", "-addext", "subjectAltName=" + ",".join("DNS:" + n for n in names)],
                   check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("READY", server.server_address[1], flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()  # ends with the test's pipe
    server.serve_forever()


if __name__ == "__main__":
    main()
