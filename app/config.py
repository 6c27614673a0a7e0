"""Configuration: defaults, then environment variables, then a test mapping.

Nothing here is computed at import time: `load_config` runs inside the factory, so a test
config or an environment change always wins and no default leaks between apps.
"""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "COUNTY_TIMEZONE": "Asia/Shanghai",
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh", "en"],
    "API_TOKEN_HOURS": 24 * 30,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "FORMS_DIR": str(Path(__file__).resolve().parent.parent / "forms"),
    "MAP_TILE_URL": "",
    "MAP_TILE_ATTRIBUTION": "",
    "MAP_TILE_CRS": "WGS84",
    "GPS_FLAG_DISTANCE_M": 2000,
    "PHOTO_MAX_BYTES": 1_500_000,  # after the phone's resize a photo is ~300 KB
    "PHOTO_MAX_PIXELS": 40_000_000,  # refuse decompression bombs before decoding
    "PHOTO_STORAGE": "local",  # or "s3" (needs boto3: pip install .[s3])
    "PHOTO_DIR": "",  # default: <instance>/photos
    "PHOTO_S3_BUCKET": "",
    "PHOTO_S3_ENDPOINT_URL": "",  # e.g. a MinIO or Aliyun OSS endpoint
    "PHOTO_S3_PREFIX": "photos/",
    # Static URLs carry a content hash (app/static_assets.py), so they can be cached for a year.
    "STATIC_MAX_AGE": 365 * 24 * 3600,
}

# Environment variables read as strings, and those parsed as integers.
ENV_STRINGS = ("DATABASE_URL", "SECRET_KEY", "COUNTY_TIMEZONE", "MAP_TILE_URL",
               "MAP_TILE_ATTRIBUTION", "MAP_TILE_CRS", "FORMS_DIR", "PHOTO_STORAGE", "PHOTO_DIR",
               "PHOTO_S3_BUCKET", "PHOTO_S3_ENDPOINT_URL", "PHOTO_S3_PREFIX")
ENV_INTS = ("API_TOKEN_HOURS", "MAX_CONTENT_LENGTH", "GPS_FLAG_DISTANCE_M", "PHOTO_MAX_BYTES")


def load_config(app, test_config=None):
    app.config.update(DEFAULTS)
    for name in ENV_STRINGS:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    for name in ENV_INTS:
        if os.environ.get(name):
            app.config[name] = int(os.environ[name])
    if test_config:
        app.config.update(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "cunjian.sqlite3")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance: Path) -> str:
    """A random key made once per installation and kept beside the database."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
