"""A store in an S3-compatible bucket (``s3://bucket/prefix``), through boto3.

Credentials and endpoint come from the standard AWS configuration (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_PROFILE,
role credentials). S3-compatible stores get path-style addressing and checksums only
when required (``AWS_REQUEST_CHECKSUM_CALCULATION=when_required`` is the default here).
"""
from __future__ import annotations

import os

import boto3
from botocore.config import Config


class S3Store:
    def __init__(self, bucket: str, prefix: str = ""):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        os.environ.setdefault("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
        os.environ.setdefault("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
        self.client = boto3.client("s3", config=Config(
            s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path")},
            retries={"mode": "standard", "max_attempts": 5}))

    @property
    def uri(self) -> str:
        return "s3://%s/%s" % (self.bucket, self.prefix)

    def _key(self, key: str) -> str:
        return "%s/%s" % (self.prefix, key) if self.prefix else key

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        return key

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def keys(self, prefix: str = "") -> list[str]:
        out = []
        paginator = self.client.get_paginator("list_objects_v2")
        full = self._key(prefix)
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            for item in page.get("Contents", []):
                out.append(item["Key"][len(self.prefix) + 1:] if self.prefix else item["Key"])
        return sorted(out)
