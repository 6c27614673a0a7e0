"""Where photo bytes live: one small interface, two places.

`LocalFolder` (the default) keeps files under the instance folder; `S3Bucket` keeps them in an
S3-compatible bucket (AWS, MinIO, Aliyun OSS, Tencent COS…) so several app servers share them.
Keys are made by the server (see app.photos.store.new_key), never from a client's file name,
and are checked here again so no key can climb out of its folder.

S3Bucket needs boto3 (`pip install .[s3]`) and is configured with PHOTO_STORAGE=s3,
PHOTO_S3_BUCKET, PHOTO_S3_ENDPOINT_URL and PHOTO_S3_PREFIX; credentials come the usual boto3 way
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an instance role). It is tested against a real
S3 server (SeaweedFS, tests/inspections/test_photos_s3.py). Neither place has a delete: a photo
is evidence.
"""

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

# A photo's key, or its thumbnail's (the same name with `.thumb.jpg`, app/photos/thumbs.py).
KEY_PATTERN = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9a-f]{32}(\.thumb)?\.(jpg|png|webp)$")


class PhotoStorage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def find(self, key: str) -> bytes | None:
        """The bytes, or None where nothing is stored under the key (yet)."""


def checked(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalFolder:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.root / checked(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees half a file, a crash leaves no torn photo.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return (self.root / checked(key)).read_bytes()

    def find(self, key: str) -> bytes | None:
        try:
            return self.get(key)
        except FileNotFoundError:
            return None


class S3Bucket:
    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None):
        import boto3  # optional dependency, only when configured

        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.bucket, self.prefix = bucket, prefix

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + checked(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + checked(key))
        return answer["Body"].read()

    def find(self, key: str) -> bytes | None:
        try:
            return self.get(key)
        except self.client.exceptions.NoSuchKey:
            return None


EXTENSION_KEY = "cunjian.photo_storage"


def make_storage(app: Flask) -> PhotoStorage:
    kind = app.config["PHOTO_STORAGE"]
    if kind == "local":
        return LocalFolder(app.config["PHOTO_DIR"] or Path(app.instance_path) / "photos")
    if kind == "s3":
        if not app.config["PHOTO_S3_BUCKET"]:
            raise RuntimeError("PHOTO_STORAGE=s3 needs PHOTO_S3_BUCKET")
        return S3Bucket(
            app.config["PHOTO_S3_BUCKET"],
            app.config["PHOTO_S3_PREFIX"],
            app.config["PHOTO_S3_ENDPOINT_URL"],
        )
    raise RuntimeError(f"unknown PHOTO_STORAGE {kind!r} (local or s3)")


def photo_storage() -> PhotoStorage:
    """The app's storage, made on first use (tests set instance_path after the factory)."""
    app = current_app._get_current_object()
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = make_storage(app)
    return app.extensions[EXTENSION_KEY]
