"""The artifact store: JSON and bytes on S3, with S3 errors mapped to platform errors."""

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from segmentation.platform import aws
from segmentation.platform.errors import DependencyUnavailable, NotFound, TransientError

_MISSING = {"NoSuchKey", "404", "NotFound"}
_TRANSIENT = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "500", "503"}


def _translate(error: Exception, bucket: str, key: str) -> Exception:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in _MISSING:
            return NotFound(f"s3://{bucket}/{key} does not exist")
        if code == "NoSuchBucket":
            return DependencyUnavailable(f"bucket {bucket} does not exist")
        if code in _TRANSIENT:
            return TransientError(f"S3 {code} on s3://{bucket}/{key}")
        return DependencyUnavailable(f"S3 {code} on s3://{bucket}/{key}: {error}")
    return TransientError(f"S3 unreachable for s3://{bucket}/{key}: {error}")


class ArtifactStore:
    def __init__(self, bucket: str):
        self.bucket = bucket

    def get_bytes(self, key: str) -> tuple[bytes, dict[str, Any]]:
        """The object's bytes and its metadata (ETag, VersionId, LastModified)."""
        try:
            response = aws.client("s3").get_object(Bucket=self.bucket, Key=key)
            return response["Body"].read(), {
                "etag": response["ETag"].strip('"'),
                "version_id": response.get("VersionId"),
                "last_modified": response["LastModified"].isoformat(),
            }
        except (ClientError, BotoCoreError) as error:
            raise _translate(error, self.bucket, key) from error

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key)[0])

    def put_bytes(self, key: str, body: bytes, content_type: str = "application/octet-stream",
                  metadata: dict[str, str] | None = None) -> None:
        """`metadata`: S3 user metadata (x-amz-meta-*), e.g. who wrote the object."""
        try:
            aws.client("s3").put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                                        **({"Metadata": metadata} if metadata else {}))
        except (ClientError, BotoCoreError) as error:
            raise _translate(error, self.bucket, key) from error

    def put_json(self, key: str, document: Any) -> None:
        body = json.dumps(document, indent=2, sort_keys=True, default=str).encode()
        self.put_bytes(key, body, "application/json")

    def list(self, prefix: str) -> list[dict[str, Any]]:
        """Every object under the prefix: key, size, etag, last_modified."""
        objects = []
        try:
            for page in aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    objects.append({"key": item["Key"], "size": item["Size"], "etag": item["ETag"].strip('"'),
                                    "last_modified": item["LastModified"]})
        except (ClientError, BotoCoreError) as error:
            raise _translate(error, self.bucket, prefix) from error
        return objects
