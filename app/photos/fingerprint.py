"""A photo's perceptual hash: 64 bits that stay nearly the same when the same picture is
re-encoded, resized, recompressed by a messenger or lightly cropped, and differ in about half
their bits between unrelated pictures. Pure: a decoded Pillow image in, a 16-hex-digit string out.

It is pHash as `imagehash.phash` computes it (grey, 32 × 32 Lanczos, a 2-D DCT-II, the 8 × 8
lowest frequencies against their median), bit for bit: tests/photos/test_fingerprint.py checks it
against imagehash 4.3.2. It is written here with numpy rather than imported because imagehash's
phash imports scipy for the DCT (95 modules and a quarter of a second on a worker's first photo,
113 MB installed) to transform a 32 × 32 array, which one matrix product does. How close two
hashes must be to count as the same picture is PHOTO_REUSE_MAX_BITS, chosen by measurement
(`python -m bench photo_hash`, docs/integrity.md).
"""

from functools import cache

import numpy
from PIL import Image

HASH_SIZE = 8
SAMPLE = HASH_SIZE * 4  # pHash's 4× oversampling: the DCT sees 32 × 32 pixels
# Below this spread of grey levels (of 255) the 32 × 32 sample is featureless (a blank frame, a
# covered lens): its hash is rounding noise, matching every other blank frame, so it has none.
FEATURELESS_STD = 2.0


@cache
def _dct_matrix(n: int) -> numpy.ndarray:
    """DCT-II as scipy.fftpack.dct(type=2, norm=None) computes it: 2 Σ x[j] cos(π k (2j+1) / 2n)."""
    k = numpy.arange(n)[:, None]
    j = numpy.arange(n)[None, :]
    return 2.0 * numpy.cos(numpy.pi * k * (2 * j + 1) / (2 * n))


def phash(image: Image.Image) -> str | None:
    """The picture's pHash as 16 hex digits (imagehash's str() of the same hash); None for a
    featureless picture."""
    grey = image.convert("L").resize((SAMPLE, SAMPLE), Image.Resampling.LANCZOS)
    pixels = numpy.asarray(grey, dtype=numpy.float64)
    if pixels.std() < FEATURELESS_STD:
        return None
    matrix = _dct_matrix(SAMPLE)
    low = (matrix @ pixels @ matrix.T)[:HASH_SIZE, :HASH_SIZE]
    bits = (low > numpy.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    """How many of the 64 bits differ."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
