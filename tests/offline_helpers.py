"""Shared bits for the offline tests: a valid inspection payload and photo bytes made here."""

import io
import uuid

from PIL import Image

HAICUN = "140225100216"  # 海村, 永安镇: has a known location 39.735722 N, 113.664907 E
HAICUN_LAT, HAICUN_LON = 39.735722, 113.664907
YONGAN = "140225100"


def payload(village=HAICUN, client_uuid=None, location=None, **extra):
    body = {
        "client_uuid": client_uuid or str(uuid.uuid4()),
        "village_code": village,
        "inspected_on": "2026-11-02",
        "households": 120,
        "sections": {
            "sewage": {
                "households_treated": 30,
                "treatment_mode": "septic_tank",
                "facility_running": True,
            }
        },
    }
    if location:
        body["location"] = location
    body.update(extra)
    return body


def jpeg_bytes(size=(64, 48), exif=None, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(
        out, "JPEG", quality=90, **({"exif": exif.tobytes()} if exif else {})
    )
    return out.getvalue()


def camera_exif() -> Image.Exif:
    """What a phone camera writes: maker, model, a GPS position and the time taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2026:11:02 09:15:00"  # DateTime
    exif.get_ifd(0x8769)[0x9003] = "2026:11:02 09:14:58"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 44.0, 8.6)
    gps[3], gps[4] = "E", (113.0, 39.0, 53.7)
    return exif
