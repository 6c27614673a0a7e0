"""What a photo really is, and a clean copy of it. Pure: bytes in, bytes out, no Flask.

The file name and the declared Content-Type of an upload say nothing reliable; the first bytes
do. Only JPEG, PNG and WebP are taken. The image is then decoded and encoded again, which drops
every metadata block (GPS position, camera serial, thumbnails, any payload hidden after the
image) except the time it was taken, which reviewers need. The EXIF orientation is applied to
the pixels first, so a photo still stands the right way up without its tag.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from app.photos.fingerprint import phash
from app.photos.refusals import PhotoRefused

EXIF_IFD = 0x8769
DATETIME = 0x0132  # IFD0 DateTime
DATETIME_ORIGINAL = 0x9003  # Exif IFD DateTimeOriginal
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class NotAnImage(PhotoRefused):
    """The bytes are not JPEG, PNG or WebP (whatever the name or the declared type say)."""

    def __init__(self, detail: str = ""):
        super().__init__("not_image", detail)


class BrokenImage(PhotoRefused):
    """The bytes start like an image but do not decode, or are absurdly large."""

    def __init__(self, detail: str = ""):
        super().__init__("broken", detail)


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    taken_at: str | None  # "YYYY:MM:DD HH:MM:SS" as the camera wrote it
    phash: str | None  # 16 hex digits (app/photos/fingerprint.py); None: featureless


def sniff(head: bytes) -> str | None:
    """The format named by the magic bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean(data: bytes, max_pixels: int) -> CleanImage:
    declared = sniff(data[:16])
    if declared is None:
        raise NotAnImage("not a JPEG, PNG or WebP file")
    try:
        with Image.open(io.BytesIO(data), formats=[declared]) as image:
            if image.width * image.height > max_pixels:
                raise BrokenImage(f"{image.width}×{image.height} pixels is too many")
            taken_at = _taken_at(image)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise BrokenImage(str(exc)) from None
    # Pillow writes a JPEG comment (COM), an ICC profile and XMP back out from `info`: a copy
    # without them keeps only the pixels and the time set below.
    upright.info = {}
    return _encode(upright, declared, taken_at, phash(upright))


def fingerprint_of(data: bytes, max_pixels: int) -> str | None:
    """The hash of a photo stored before hashes were kept (its cleaned copy, already upright):
    for `flask rebuild-flags`."""
    declared = sniff(data[:16])
    if declared is None:
        raise NotAnImage("not a JPEG, PNG or WebP file")
    with Image.open(io.BytesIO(data), formats=[declared]) as image:
        if image.width * image.height > max_pixels:
            raise BrokenImage(f"{image.width}×{image.height} pixels is too many")
        image.load()
        return phash(image)


def _taken_at(image: Image.Image) -> str | None:
    exif = image.getexif()
    value = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str) and len(value.strip("\x00 ")) == 19:
        return value.strip("\x00 ")
    return None


def _encode(image: Image.Image, fmt: str, taken_at: str | None, fingerprint) -> CleanImage:
    exif = Image.Exif()
    if taken_at:
        exif[DATETIME] = taken_at
        exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = taken_at
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True, exif=exif.tobytes())
    elif fmt == "PNG":
        # PNG has no room for the camera's EXIF on re-encode worth keeping: time goes in the row.
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85, exif=exif.tobytes() if taken_at else b"")
    content_type, extension = FORMATS[fmt]
    return CleanImage(
        out.getvalue(), content_type, extension, image.width, image.height, taken_at, fingerprint
    )
