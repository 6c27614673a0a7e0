"""The photo hash (app/photos/fingerprint.py) is imagehash's pHash bit for bit, written with numpy
so no scipy is loaded; a featureless picture has none; and every flag kind has its label."""

import imagehash
import pytest
from PIL import Image

from app.models import FLAG_KINDS
from app.photos import fingerprint
from app.views.labels import FLAG_LABELS
from bench import photo_corpus


@pytest.mark.parametrize("seed", [1, 2, 3, 8, 11])
def test_the_hash_is_imagehash_phash(seed):
    for picture in (photo_corpus.scene(seed), photo_corpus.scene(seed, 2)):
        assert fingerprint.phash(picture) == str(imagehash.phash(picture))


def test_distance_counts_differing_bits():
    assert fingerprint.distance("0000000000000000", "000000000000000f") == 4
    assert fingerprint.distance("ffffffffffffffff", "0000000000000000") == 64


def test_a_blank_frame_has_no_hash():
    assert fingerprint.phash(Image.new("RGB", (640, 480), (40, 40, 40))) is None


def test_every_flag_kind_has_a_label_and_no_label_lacks_a_kind():
    assert set(FLAG_LABELS) == set(FLAG_KINDS)
