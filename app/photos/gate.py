"""What keeps one person's photo uploads from stalling everyone else.

Decoding an image is the one expensive thing an upload does: a 72 KB WebP can declare 6300 × 6300
pixels and take seconds of CPU and a gigabyte of memory to decode. So, before any pixel is
decoded: the dimensions are read from the header alone and refused above `PHOTO_MAX_PIXELS`
(the phone resizes to ≤ 1600 px, about 2 Mpx; the default 5 Mpx leaves room for a camera that
was not resized); and a process-wide semaphore of `PHOTO_DECODE_SLOTS` bounds the decodes running
at once in a worker, answering 503 with Retry-After when the slots stay taken (the phone keeps
the photo queued and sends it again). The decode itself runs outside any database transaction
(app/photos/store.py), so SQLite's write lock is never held while pixels are decoded.
"""

import io
import threading
from contextlib import contextmanager

from PIL import Image

from app.photos import images
from app.photos.refusals import PhotoRefused

WAIT_SECONDS = 0.5  # how long an upload waits for a slot before it is told to come back

_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


class DecodeBusy(PhotoRefused):
    """Every decode slot of this process is taken: try again in a few seconds."""

    def __init__(self):
        super().__init__("busy")


def header_size(data: bytes) -> tuple[int, int]:
    """Width and height as the file's header declares them, without decoding any pixel."""
    declared = images.sniff(data[:16])
    if declared is None:
        raise images.NotAnImage("not a JPEG, PNG or WebP file")
    try:
        with Image.open(io.BytesIO(data), formats=[declared]) as image:
            return image.size
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise images.BrokenImage(str(exc)) from None


def check_pixels(data: bytes, max_pixels: int) -> None:
    width, height = header_size(data)
    if width * height > max_pixels:
        raise images.BrokenImage(f"{width}×{height} pixels is too many")


def _semaphore(slots: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        if slots not in _slots:
            _slots[slots] = threading.BoundedSemaphore(slots)
        return _slots[slots]


@contextmanager
def decode_slot(slots: int, wait: float = WAIT_SECONDS):
    """One of the process's `slots` decode slots for the duration; DecodeBusy if none frees up
    within `wait` seconds."""
    semaphore = _semaphore(slots)
    if not semaphore.acquire(timeout=wait):
        raise DecodeBusy()
    try:
        yield
    finally:
        semaphore.release()


def clean_bounded(data: bytes, max_pixels: int, slots: int) -> images.CleanImage:
    """The header check, then the decode and re-encode in one of the process's slots."""
    check_pixels(data, max_pixels)
    with decode_slot(slots):
        return images.clean(data, max_pixels)
