"""Load for bench_province: dashboard users as asyncio clients, and the PostgreSQL materialised
view that the summary tables are measured against.

A dashboard user sends one request, waits for the answer, sends the next (no think time: the
worst case for 20 users). Latency includes waiting for one of gunicorn's 4 sync workers, which
is what a user waits for too.
"""

import asyncio
import os
import statistics
import time
from pathlib import Path

import httpx
import psycopg

from app.formdefs.registry import current_forms
from app.periods import parse_period
from app.rollups.tallies import tally_statement


async def _users(base_url, token, path, params, users, each) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=600
    ) as client:

        async def user():
            for _ in range(each):
                started = time.perf_counter()
                response = await client.get(path, params=params)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} {params}: {response.status_code} {response.text}")
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(user() for _ in range(users)))
    return latencies


def dashboard_users(base_url, token, path, params, users, each) -> list[float]:
    """Seconds per request of `users` users sending `each` requests back to back."""
    return asyncio.run(_users(base_url, token, path, params, users, each))


def ms(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return 1000 * ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def median(values) -> float:
    return statistics.median(values)


def backend_cpu_seconds(url: str, database: str) -> float:
    """User + system CPU time so far of the PostgreSQL backends serving `database` (the app's
    pooled connections live as long as its workers, so a difference spans a run)."""
    with psycopg.connect(url, autocommit=True) as connection:
        pids = [
            pid
            for (pid,) in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )
        ]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# The materialised-view alternative: PostgreSQL keeps the same county × zone × indicator sums,
# but only as fresh as its last REFRESH (which recomputes every village of every quarter).

MATERIALISED = "county_quarter_sums"


def materialised_view_sql(engine, quarters) -> str:
    """Every quarter's village tallies (both settings), unpivoted and summed per county, zone
    and indicator: the same rows as area_quarter_figures' county level."""
    indicators = current_forms().indicators.indicators
    first, last = parse_period(quarters[0]).start, parse_period(quarters[-1]).end
    parts = []
    for approved_only in (False, True):
        statement = tally_statement(
            indicators, first, last, "", by_quarter=True, approved_only=approved_only
        )
        sql = statement.compile(engine, compile_kwargs={"literal_binds": True})
        parts.append(f"SELECT {approved_only} AS approved_only, t.* FROM ({sql}) AS t")
    values = ", ".join(f"('{i.key}', t.r_{i.key}, t.n_{i.key}, t.d_{i.key})" for i in indicators)
    return (
        f"CREATE MATERIALIZED VIEW {MATERIALISED} AS "
        "SELECT t.approved_only, t.period AS quarter, w.county_id, t.zone, x.indicator, "
        "sum(x.n) AS numerator, sum(x.d) AS denominator, count(*) AS villages "
        f"FROM ({' UNION ALL '.join(parts)}) AS t "
        "JOIN townships AS w ON w.id = t.township_id "
        f"CROSS JOIN LATERAL (VALUES {values}) AS x(indicator, r, n, d) "
        "WHERE x.r = 1 GROUP BY 1, 2, 3, 4, 5"
    )


PROVINCE_FROM = {
    "area table": "SELECT zone, indicator, sum(numerator), sum(denominator), sum(villages) "
    "FROM area_quarter_figures WHERE level = 'county' AND quarter = %s "
    "AND approved_only = false GROUP BY zone, indicator",
    "materialised view": "SELECT zone, indicator, sum(numerator), sum(denominator), "
    f"sum(villages) FROM {MATERIALISED} WHERE quarter = %s AND approved_only = false "
    "GROUP BY zone, indicator",
}


async def _sql_users(url, sql, quarter, users, each) -> list[float]:
    latencies: list[float] = []

    async def user():
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
            for _ in range(each):
                started = time.perf_counter()
                await (await connection.execute(sql, (quarter,))).fetchall()
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(user() for _ in range(users)))
    return latencies


def sql_users(url, sql, quarter, users, each) -> list[float]:
    """The province read alone (no HTTP, no Python arithmetic), `users` connections at once."""
    return asyncio.run(_sql_users(url, sql, quarter, users, each))
