"""Simulated phones: valid inspections with fresh UUIDs, a bounded load generator, and the
faulty network of the chaos test.

A phone keeps an inspection in its queue until the server acknowledges it (200/201), as the
real offline queue does; it retries the same UUID after a lost response, a cut-off upload or a
dead worker. The ledger records what the server acknowledged, so the check afterwards can compare
the database with what every phone believes is stored.
"""

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

from bench import raw_http
from bench.cluster import Inspector

# households + sewage 3 + manure 2 + straw 6 + film 2 + heating 6 = 1 + 19 = 20 answers.
ANSWERS_PER_INSPECTION = 20


def inspection_payload(rng: random.Random, village_code: str, today: date) -> dict:
    """A valid inspection whose numbers respect every cross-field constraint."""
    households = rng.randint(50, 900)
    produced = round(rng.uniform(100, 2000), 1)
    used = round(rng.uniform(1, 40), 2)
    manure = round(rng.uniform(50, 900), 1)
    heating = [rng.randint(0, households // 6) for _ in range(6)]
    return {
        "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "village_code": village_code,
        "inspected_on": (today - timedelta(days=rng.randint(1, 300))).isoformat(),
        "households": households,
        "location": {
            "lat": round(rng.uniform(39.4, 39.8), 6),
            "lon": round(rng.uniform(113.4, 114.0), 6),
            "accuracy_m": 12.0,
        },
        "notes": "bench",
        "sections": {
            "sewage": {
                "households_treated": rng.randint(0, households),
                "treatment_mode": rng.choice(["pipe_network", "septic_tank", "none"]),
                "facility_running": rng.random() < 0.5,
            },
            "manure": {"produced_t": manure, "utilised_t": round(manure * rng.random(), 1)},
            "straw": {
                "produced_t": produced,
                **{
                    key: round(produced * rng.uniform(0, 0.19), 1)
                    for key in (
                        "fertiliser_t",
                        "feed_t",
                        "fuel_t",
                        "base_material_t",
                        "raw_material_t",
                    )
                },
            },
            "film": {"used_t": used, "recovered_t": round(used * rng.random(), 2)},
            "heating": dict(
                zip(
                    ("central", "electric", "gas", "biomass", "other_clean", "coal"),
                    heating,
                    strict=True,
                )
            ),
        },
    }


def run_async(coroutine):
    """asyncio.run in a thread of its own: the caller's thread may already run an event loop
    (Playwright's sync API leaves one behind in a test session)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float]
    statuses: Counter
    transport_errors: int
    client_cpu_s: float = 0.0
    error_kinds: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return self.statuses[200] + self.statuses[201]

    @property
    def errors(self) -> int:
        return (
            sum(n for s, n in self.statuses.items() if s not in (200, 201)) + self.transport_errors
        )


async def load(
    base_url: str,
    inspectors: list[Inspector],
    total: int,
    concurrency: int,
    seed: int = 7,
    today: date | None = None,
) -> LoadResult:
    """`concurrency` clients post `total` fresh inspections between them, as fast as answered.

    Each client has one connection of bench/raw_http.py (kept alive while the server keeps it):
    httpx cost the shared cores about 2 ms of CPU per request, a large share of the server's."""
    rng = random.Random(seed)
    today = today or date.today() - timedelta(days=1)
    bodies = []
    for n in range(total):
        inspector = inspectors[n % len(inspectors)]
        body = inspection_payload(rng, rng.choice(inspector.village_codes), today)
        bodies.append((inspector.token, json.dumps(body).encode()))
    queue = iter(bodies)
    latencies: list[float] = []
    statuses: Counter = Counter()
    transport_errors = 0
    error_kinds: Counter = Counter()
    host, port = base_url.removeprefix("http://").split(":")

    async def client_loop():
        nonlocal transport_errors
        connection = raw_http.Connection(host, int(port))
        try:
            for token, body in queue:
                started = time.perf_counter()
                try:
                    status, _answer = await asyncio.wait_for(
                        connection.post(
                            "/api/v1/inspections",
                            body,
                            {
                                "Authorization": f"Bearer {token}",
                                "Content-Type": "application/json",
                            },
                        ),
                        timeout=60,
                    )
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                    transport_errors += 1
                    error_kinds[type(exc).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
        finally:
            await connection.close()

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client_loop() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    return LoadResult(
        seconds,
        latencies,
        statuses,
        transport_errors,
        time.process_time() - cpu_started,
        error_kinds,
    )


@dataclass
class Faults:
    drop_response: float = 0.10  # the server committed, the phone never saw the answer
    cut_upload: float = 0.05  # the body stops half-way and the connection closes
    max_attempts: int = 60  # a phone gives up on an inspection after this many tries


@dataclass
class Ledger:
    """What the phones sent and what the server acknowledged (UUID → inspection id)."""

    sent: set = field(default_factory=set)
    acknowledged: dict = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    bodies_with_errors: list = field(default_factory=list)  # 5xx / "locked" texts seen
    transport_errors: int = 0
    dropped: int = 0
    cut: int = 0
    replays: int = 0  # 200 answers: the same UUID stored before
    id_mismatches: int = 0  # a replay naming another inspection id than the first answer
    gave_up: int = 0


async def phone(
    base_url: str,
    inspector: Inspector,
    count: int,
    seed: int,
    ledger: Ledger,
    faults: Faults,
    today: date,
    started_event: asyncio.Event | None = None,
) -> None:
    """One phone sending `count` inspections in order, each until acknowledged (bounded)."""
    rng = random.Random(seed)
    host, port = base_url.removeprefix("http://").split(":")
    headers = {"Authorization": f"Bearer {inspector.token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for _ in range(count):
            payload = inspection_payload(rng, rng.choice(inspector.village_codes), today)
            body = json.dumps(payload).encode()
            ledger.sent.add(payload["client_uuid"])
            first_id = None
            for attempt in range(faults.max_attempts):
                if attempt:
                    await asyncio.sleep(min(2.0, 0.05 * 2 ** min(attempt, 6)) * rng.uniform(0.5, 1))
                roll = rng.random()
                if roll < faults.cut_upload:
                    ledger.cut += 1
                    await _cut_upload(host, int(port), headers, body)
                    continue
                try:
                    response = await client.post(
                        "/api/v1/inspections", content=body, headers=headers
                    )
                except httpx.TransportError:
                    ledger.transport_errors += 1
                    continue
                ledger.statuses[response.status_code] += 1
                if response.status_code >= 500 or "locked" in response.text:
                    ledger.bodies_with_errors.append(response.text[:300])
                if response.status_code not in (200, 201):
                    continue
                stored_id = response.json()["id"]
                if response.status_code == 200:
                    ledger.replays += 1
                if first_id is not None and stored_id != first_id:
                    ledger.id_mismatches += 1
                first_id = stored_id
                if roll < faults.cut_upload + faults.drop_response:
                    ledger.dropped += 1  # the phone never saw it: it must send again
                    continue
                ledger.acknowledged[payload["client_uuid"]] = stored_id
                if started_event is not None:
                    started_event.set()
                break
            else:
                ledger.gave_up += 1


async def _cut_upload(host: str, port: int, headers: dict, body: bytes) -> None:
    """Announce the whole body, send half of it, and hang up."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return
    head = [
        "POST /api/v1/inspections HTTP/1.1",
        f"Host: {host}:{port}",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    head += [f"{name}: {value}" for name, value in headers.items()]
    try:
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body[: len(body) // 2])
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    except OSError:
        pass
