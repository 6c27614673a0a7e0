"""Login throttling that holds across every gunicorn worker.

An in-memory limiter counts per process, so four workers would allow four times the limit.
Failures are therefore rows in `login_failures`, and before checking a password we count the
failures of the last minute: at 5 for the account from this address, 100 for the account from
all addresses, or 30 for the address (whichever accounts), the attempt is refused without
looking at the password (so a correct guess inside the window does not help).

The account's own count is per address so that a stranger cannot lock its owner out: five
wrong passwords a minute for `admin` from anywhere used to refuse the real admin indefinitely.
An attacker who can claim any address (a proxy set up without `PROXY_COUNT`) still meets the
account-wide 100 a minute, far too few to guess a 12-character password off the breach lists.
The address's count is higher than the account's because behind one NAT (a village office)
everyone shares an address, and five typos must not lock out a county. Two attempts racing in
the same instant can both pass the count; the window still closes at the next one.
"""

from datetime import timedelta

from app.clock import utc_now
from app.extensions import db
from app.models import LoginFailure

MAX_FAILURES = 5  # per account and address
MAX_ACCOUNT_FAILURES = 100  # per account, from every address together
MAX_ADDRESS_FAILURES = 30  # per address, whichever accounts were tried
WINDOW = timedelta(minutes=1)
MESSAGE = {
    "zh": "登录失败次数过多，请一分钟后再试",
    "en": "Too many failed sign-ins; try again in a minute",
}


def is_throttled(username: str, ip: str) -> str | None:
    """Why the attempt is refused ("account" or "address"), or None: go ahead."""
    since = utc_now() - WINDOW
    recent = db.select(db.func.count()).select_from(LoginFailure).where(LoginFailure.at > since)
    account = recent.where(LoginFailure.username == _key(username))
    if db.session.scalar(account.where(LoginFailure.ip == ip)) >= MAX_FAILURES:
        return "account"
    if db.session.scalar(account) >= MAX_ACCOUNT_FAILURES:
        return "account"
    if db.session.scalar(recent.where(LoginFailure.ip == ip)) >= MAX_ADDRESS_FAILURES:
        return "address"
    return None


def note_failure(username: str, ip: str) -> None:
    """Count a failed attempt (the caller commits, with the audit event)."""
    db.session.add(LoginFailure(at=utc_now(), username=_key(username), ip=ip))


def forget_old_failures() -> None:
    """Rows older than the window count for nothing; drop them now and then."""
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.at <= utc_now() - WINDOW))


def _key(username: str) -> str:
    return (username or "").strip().lower()[:64]
