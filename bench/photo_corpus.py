"""Synthetic field photos for measuring the photo-reuse hash (bench/bench_photo_hash.py) and for
the tests (tests/integrity/): no real photo is stored in the repository.

A "scene" is what an inspector photographs: a textured ground (smoothed noise), a sky band, and
a few shapes (a wall, a tank, a bin, a door) in the scene's colours, all from one seed. A
"similar scene" is the same village's look photographed again: the same seed's layout and
colours with every shape moved a little, the light changed and fresh noise, which is what makes
distinct photos of similar scenes the hard case for a perceptual hash. The copies are what a
phone or a messenger does to one picture: re-encoded, resized, recompressed at low quality,
cropped by 10 %.
"""

import io
import random

import numpy
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

SIZE = (960, 720)


def scene(seed: int, variant: int = 0, size=SIZE) -> Image.Image:
    """The scene of `seed`; variant > 0 is another photo of the same kind of place (shapes moved
    by up to ~6 % of the frame, brightness ±15 %, other noise)."""
    layout = random.Random(seed)
    jitter = random.Random(seed * 7919 + variant)
    width, height = size
    ground = tuple(layout.randrange(60, 200) for _ in range(3))
    sky = tuple(layout.randrange(120, 250) for _ in range(3))
    horizon = int(height * layout.uniform(0.25, 0.5))

    # Pillow's effect_noise draws from an unseeded generator: numpy's, seeded, keeps a scene
    # the same picture every time it is drawn.
    grain = numpy.random.default_rng(seed * 7919 + variant).normal(
        128, 40, (height // 8, width // 8)
    )
    noise = Image.fromarray(grain.clip(0, 255).astype(numpy.uint8), "L").resize(size)
    base = Image.new("RGB", size, ground)
    base = Image.blend(base, Image.merge("RGB", (noise, noise, noise)), 0.35)
    draw = ImageDraw.Draw(base)
    draw.rectangle((0, 0, width, horizon), fill=sky)
    shift = (lambda: 0) if variant == 0 else (lambda: jitter.randint(-width // 16, width // 16))
    for _ in range(layout.randint(4, 7)):
        colour = tuple(layout.randrange(0, 256) for _ in range(3))
        x, y = layout.randrange(0, width - 100), layout.randrange(horizon - 60, height - 80)
        w, h = layout.randrange(60, width // 2), layout.randrange(40, height // 2)
        dx, dy = shift(), shift()
        box = (x + dx, y + dy, x + dx + w, y + dy + h)
        if layout.random() < 0.5:
            draw.rectangle(box, fill=colour, outline=(20, 20, 20), width=3)
        else:
            draw.ellipse(box, fill=colour, outline=(20, 20, 20), width=3)
    image = base.filter(ImageFilter.GaussianBlur(1.2))
    if variant:
        image = ImageEnhance.Brightness(image).enhance(jitter.uniform(0.85, 1.15))
    return image


def jpeg(image: Image.Image, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(
        out, "JPEG", quality=quality, **({"exif": exif.tobytes()} if exif else {})
    )
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.copy()


def reencoded(data: bytes) -> bytes:
    """Decoded and saved again at another quality, as any editor or re-upload does."""
    return jpeg(decoded(data), quality=85)


def resized_recompressed(data: bytes, scale: float = 0.5, quality: int = 40) -> bytes:
    """A messenger's copy: smaller and at low quality."""
    image = decoded(data)
    small = image.resize((int(image.width * scale), int(image.height * scale)))
    return jpeg(small, quality=quality)


def cropped(data: bytes, fraction: float = 0.10) -> bytes:
    """`fraction` of the width and of the height cut away, split between the two sides."""
    image = decoded(data)
    dx, dy = int(image.width * fraction / 2), int(image.height * fraction / 2)
    return jpeg(image.crop((dx, dy, image.width - dx, image.height - dy)), quality=88)


COPIES = {
    "reencoded": reencoded,
    "resized_q40": resized_recompressed,
    "cropped_10pct": cropped,
}
