"""The bulletin's PDF made once per content, and never more than a few at a time.

WeasyPrint takes 3–8 s of a sync worker per county bulletin. The PDF is a pure function of the
page's HTML, so it is kept under the HTML's digest (in the instance folder, shared by every
gunicorn worker) and made again only when a figure, a name or the day on the page changes.
Making one takes a render slot (RENDER_SLOTS across all workers, file locks so that a killed
worker frees its slot) and the asking user's own lock: a second PDF for the same user while the
first is being made answers 429, and no free slot answers 503; both say when to retry. A cached
PDF needs neither.
"""

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

RENDER_SLOTS = 2
RETRY_AFTER_S = 10
KEEP = 64  # newest PDFs kept; older ones are deleted when a new one is written


class Busy(Exception):
    """No render now: `per_user` True when this user is already having one made."""

    def __init__(self, per_user: bool):
        super().__init__("a bulletin for this user is being made" if per_user else "no slot")
        self.per_user = per_user


def cached_pdf(folder: Path, html: str, user_id: int, render: Callable[[], bytes]) -> bytes:
    """The PDF of `html`, from the cache or made by `render` under a user lock and a slot."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(html.encode()).hexdigest()}.pdf"
    if path.exists():
        return path.read_bytes()
    with _lock(folder / f"user-{user_id}.lock") as mine:
        if not mine:
            raise Busy(per_user=True)
        with _any_slot(folder) as slot:
            if not slot:
                raise Busy(per_user=False)
            if path.exists():  # made by another request while this one waited for the lock
                return path.read_bytes()
            pdf = render()
            _write(path, pdf)
            _prune(folder)
            return pdf


@contextmanager
def _lock(path: Path) -> Iterator[bool]:
    """A non-blocking exclusive lock on `path`: True if taken; freed on exit or process death."""
    handle = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


@contextmanager
def _any_slot(folder: Path) -> Iterator[bool]:
    for number in range(RENDER_SLOTS):
        with _lock(folder / f"slot-{number}.lock") as taken:
            if taken:
                yield True
                return
    yield False


def _write(path: Path, data: bytes) -> None:
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)  # readers see the whole PDF or none


def _prune(folder: Path) -> None:
    pdfs = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in pdfs[KEEP:]:
        old.unlink(missing_ok=True)
