"""Configuration: defaults, then environment variables, then a test mapping.

Nothing here is computed at import time: `load_config` runs inside the factory, so a test
config or an environment change always wins and no default leaks between apps.
"""

import os
import secrets
from pathlib import Path

from app.file_modes import private_folder

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
    "SESSION_COOKIE_SECURE": False,  # also Secure whenever the request came over HTTPS
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "PROXY_COUNT": 0,  # reverse proxies in front whose X-Forwarded-* headers are trusted
    "WTF_CSRF_TIME_LIMIT": None,
    "FORMS_DIR": str(Path(__file__).resolve().parent.parent / "forms"),
    "MAP_TILE_URL": "",
    "MAP_TILE_ATTRIBUTION": "",
    "MAP_TILE_CRS": "WGS84",  # or GCJ02 (AMap/Tencent tiles): points are shifted when drawn
    "MAP_TILE_SUBDOMAINS": "abc",
    "MAP_TIANDITU_KEY": "",  # with no MAP_TILE_URL, a Tianditu key selects its vec_w/cva_w tiles
    # The county `flask seed` loads (NBS code and name), and the province above every county of
    # the deployment: the top unit of the roll-ups.
    "COUNTY_CODE": "140225",
    "COUNTY_NAME": "浑源县",
    "PROVINCE_CODE": "140000",
    "PROVINCE_NAME": "山西省",
    "GPS_FLAG_DISTANCE_M": 2000,
    # The integrity flags (app/inspections/integrity/, docs/integrity.md). Two photos are the
    # same picture when their 64-bit hashes differ in at most this many bits (measured:
    # `python -m bench photo_hash`).
    "PHOTO_REUSE_MAX_BITS": 10,
    "PHOTO_OLD_DAYS": 30,  # a photo taken this many days before the inspection date or more
    "ENTRY_MIN_SECONDS": 180,  # a full inspection entered faster than this (opened → saved)
    "SAME_PLACE_RADIUS_M": 50,  # fixes this close, from one inspector on one county day…
    "SAME_PLACE_VILLAGES_M": 2000,  # …for villages at least this far apart
    "PHOTO_MAX_BYTES": 1_500_000,  # after the phone's resize a photo is ~300 KB
    # Refused from the header before any decoding (the phone sends ≤ 1600 px, ~2 Mpx).
    "PHOTO_MAX_PIXELS": 5_000_000,
    "PHOTO_MAX_PER_INSPECTION": 40,
    "PHOTO_MAX_PER_PROBLEM": 40,
    "PHOTO_DECODE_SLOTS": 2,  # photo decodes at once per worker process; more wait, then 503
    "PHOTO_STORAGE": "local",  # or "s3" (needs boto3: pip install .[s3])
    "PHOTO_DIR": "",  # default: <instance>/photos
    "PHOTO_S3_BUCKET": "",
    "PHOTO_S3_ENDPOINT_URL": "",  # e.g. a MinIO or Aliyun OSS endpoint
    "PHOTO_S3_PREFIX": "photos/",
    # Static URLs carry a content hash (app/static_assets.py), so they can be cached for a year.
    "STATIC_MAX_AGE": 365 * 24 * 3600,
    # "auto": quarter roll-ups read the summary while it is on (`flask rebuild-summary` switches
    # it on, `flask summary-off` off: a state stored in the database,
    # app/rollups/summary/state.py), the
    # answers while it is off; "live": always the answers, to check the summary against them.
    # Years always read the answers.
    "ROLLUP_SOURCE": "auto",
}

# Environment variables read as strings, and those parsed as integers.
ENV_STRINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "COUNTY_TIMEZONE",
    "MAP_TILE_URL",
    "MAP_TILE_ATTRIBUTION",
    "MAP_TILE_CRS",
    "MAP_TILE_SUBDOMAINS",
    "MAP_TIANDITU_KEY",
    "FORMS_DIR",
    "PHOTO_STORAGE",
    "PHOTO_DIR",
    "PHOTO_S3_BUCKET",
    "PHOTO_S3_ENDPOINT_URL",
    "PHOTO_S3_PREFIX",
    "ROLLUP_SOURCE",
)
ENV_INTS = (
    "API_TOKEN_HOURS",
    "MAX_CONTENT_LENGTH",
    "PROXY_COUNT",
    "DATABASE_POOL_SIZE",
    "DATABASE_MAX_OVERFLOW",
    "GPS_FLAG_DISTANCE_M",
    "PHOTO_REUSE_MAX_BITS",
    "PHOTO_OLD_DAYS",
    "ENTRY_MIN_SECONDS",
    "SAME_PLACE_RADIUS_M",
    "SAME_PLACE_VILLAGES_M",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "PHOTO_MAX_PER_INSPECTION",
    "PHOTO_MAX_PER_PROBLEM",
    "PHOTO_DECODE_SLOTS",
)
ENV_FLAGS = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")
WEAK_SECRETS = frozenset({"dev", "secret", "changeme", "change-me", "development", "test"})
MIN_SECRET_LENGTH = 32


class InsecureConfig(RuntimeError):
    pass


def load_config(app, test_config=None):
    app.config.update(DEFAULTS)
    for name in ENV_STRINGS:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    for name in ENV_INTS:
        if os.environ.get(name):
            app.config[name] = int(os.environ[name])
    for name in ENV_FLAGS:
        if os.environ.get(name):
            app.config[name] = os.environ[name].lower() in ("1", "true", "yes", "on")
    app.config["ENV_NAME"] = os.environ.get("CUNJIAN_ENV", "")
    if test_config:
        app.config.update(test_config)
    check_production_secret(app.config)

    private_folder(app.instance_path)  # 0700: it holds the database and the secret key
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "cunjian.sqlite3")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if not url.startswith("sqlite"):
        # Per worker process: a sync worker uses one connection, a gthread worker one per thread.
        # pre_ping replaces connections a database restart has cut, instead of failing a request.
        app.config.setdefault(
            "SQLALCHEMY_ENGINE_OPTIONS",
            {
                "pool_size": app.config.get("DATABASE_POOL_SIZE", 5),
                "max_overflow": app.config.get("DATABASE_MAX_OVERFLOW", 5),
                "pool_pre_ping": True,
            },
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance: Path) -> str:
    """A random key made once per installation and kept beside the database."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def check_production_secret(config) -> None:
    """In production (CUNJIAN_ENV=production, not testing or debugging) the key must come from
    the environment and be long and random-looking: a forged session cookie is a login."""
    if config.get("ENV_NAME") != "production" or config.get("TESTING") or config.get("DEBUG"):
        return
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_LENGTH or key.lower() in WEAK_SECRETS or len(set(key)) < 10:
        raise InsecureConfig(
            f"CUNJIAN_ENV=production needs SECRET_KEY in the environment: at least "
            f"{MIN_SECRET_LENGTH} random characters, e.g. python3 -c 'import secrets; "
            f"print(secrets.token_hex(32))'"
        )
