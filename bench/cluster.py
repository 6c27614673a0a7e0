"""A real Cunjian server for the load benches and the chaos test: a fresh database (a SQLite file
or a scratch PostgreSQL database), migrated and seeded, with inspectors and their API tokens,
served by gunicorn on a free loopback port in its own process group.

The benches and tests need the real thing — the same gunicorn, the same migrations, SIGKILL on
real worker processes — so this module drives processes and reads /proc; it never mocks.
Every process started here is ended by its own id or its own process group, never by name.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
BENCH_SECRET = "bench-secret-key-" + "k" * 40
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@dataclass
class Database:
    url: str  # as the app takes it (DATABASE_URL)
    kind: str  # "sqlite" | "postgresql"
    path: Path | None = None  # the SQLite file
    admin_url: str | None = None  # PostgreSQL: where to drop the scratch database from
    name: str | None = None

    def engine(self):
        return create_engine(self.url.replace("postgresql://", "postgresql+psycopg://", 1))

    def server_cpu_seconds(self) -> float:
        """User + system CPU so far of the PostgreSQL backends serving this database (found in
        /proc by their title, so only for a server on this machine); 0 for SQLite, which runs
        inside the workers."""
        if self.kind == "sqlite":
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                title = stat.with_name("cmdline").read_bytes()
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {self.name} ".encode() in title:
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        engine.dispose()


def sqlite_database(directory: Path) -> Database:
    path = Path(directory) / f"cunjian-{uuid.uuid4().hex[:8]}.sqlite3"
    return Database(url=f"sqlite:///{path}", kind="sqlite", path=path)


def postgresql_database(server_url: str, name: str) -> Database:
    """A scratch database `name` on the server of `server_url` (dropped first if left over)."""
    base = server_url.replace("postgresql://", "postgresql+psycopg://", 1).rsplit("/", 1)[0]
    admin_url = base + "/postgres"
    database = Database(
        url=server_url.rsplit("/", 1)[0] + "/" + name,
        kind="postgresql",
        admin_url=admin_url,
        name=name,
    )
    database.drop()
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return database


@dataclass(frozen=True)
class Inspector:
    username: str
    token: str
    village_codes: tuple[str, ...]


def prepare(database: Database, inspectors: int = 16) -> list[Inspector]:
    """Migrate and seed as `make run` does, then add one inspector (with a token) per township."""
    from flask_migrate import upgrade

    from app import create_app
    from app.accounts.auth import issue_token
    from app.extensions import db
    from app.geography import county
    from app.models import Township, User, Village

    app = create_app({"DATABASE_URL": database.url, "SECRET_KEY": BENCH_SECRET})
    made = []
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        county.seed()
        db.session.commit()
        townships = db.session.execute(db.select(Township).order_by(Township.code)).scalars().all()
        for township in townships[:inspectors]:
            codes = (
                db.session.execute(
                    db.select(Village.code)
                    .where(Village.township_id == township.id)
                    .order_by(Village.code)
                )
                .scalars()
                .all()
            )
            if not codes:
                continue
            user = User(username=f"bench-{township.code}", role="inspector", township=township)
            user.password_hash = "!"  # no password sign-in: the token is all it needs
            db.session.add(user)
            db.session.flush()
            token, _row = issue_token(user)
            made.append(Inspector(user.username, token, tuple(codes)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return made


@dataclass
class Server:
    """gunicorn serving wsgi:app; `start()` returns once /healthz answers and all workers run."""

    database: Database
    log_path: Path
    workers: int = 4
    worker_class: str = "sync"
    threads: int = 1
    access_log: bool = False
    preload: bool = False  # load the app once in the master; workers fork ready to serve
    port: int = 0  # 0: let the kernel choose, then keep that port across restarts
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        options = (
            f"--workers {self.workers} --worker-class {self.worker_class} --threads {self.threads}"
            f" --bind 127.0.0.1:{self.port} --timeout 60 --graceful-timeout 5 --backlog 2048"
            " --error-logfile - --log-level info"
        )
        cmd = [GUNICORN, *options.split()]
        if self.access_log:
            cmd += ["--access-logfile", "-"]
        if self.preload:
            cmd += ["--preload"]
        return cmd + ["wsgi:app"]

    def start(self, timeout: float = 60.0, all_workers: bool = True) -> float:
        """Start and wait until it serves (with every worker booted, unless `all_workers` is
        False); returns the seconds that took."""
        env = {
            **os.environ,
            "DATABASE_URL": self.database.url,
            "SECRET_KEY": BENCH_SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        started = time.perf_counter()
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n" + self.log_text()[-3000:]
                )
            if not self.port:
                found = LISTENING.findall(self.log_text())
                self.port = int(found[-1]) if found else 0
            booted = not all_workers or len(self.worker_pids()) == self.workers
            if self.port and booted and self._healthy():
                return time.perf_counter() - started
            time.sleep(0.05)
        raise TimeoutError(
            f"gunicorn did not serve within {timeout} s:\n" + self.log_text()[-3000:]
        )

    def _healthy(self) -> bool:
        try:
            return httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(
                f"/proc/{self.process.pid}/task/{self.process.pid}/children"
            ).read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def kill_worker(self, rng) -> int | None:
        pids = self.worker_pids()
        if not pids:
            return None
        victim = rng.choice(pids)
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return victim

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once (a power cut, as far as processes go)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        self.kill_all()

    def memory(self) -> dict[str, float]:
        """Resident and proportional set size per worker, in MiB (PSS shares pages fairly)."""
        rss, pss = [], []
        for pid in self.worker_pids():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M))
            rss.append(int(values["Rss"]) / 1024)
            pss.append(int(values["Pss"]) / 1024)
        master = 0.0
        with contextlib.suppress(OSError, AttributeError):
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            master = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024
        if not rss:
            return {"workers": 0, "rss_mib": 0.0, "pss_mib": 0.0, "master_rss_mib": master}
        return {
            "workers": len(rss),
            "rss_mib": sum(rss) / len(rss),
            "pss_mib": sum(pss) / len(pss),
            "master_rss_mib": master,
        }

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the workers alive now."""
        ticks = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""
