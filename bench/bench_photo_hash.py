"""How close two photos' hashes must be to call one a reuse of the other: `python -m bench
photo_hash`.

A corpus of synthetic scenes (bench/photo_corpus.py): SCENES scenes, each a JPEG "original";
for each, its copies (re-encoded, resized to half and recompressed at quality 40, 10 % cropped)
and VARIANTS other photos of a similar scene. Every hash is taken the way an upload takes it
(app/photos/images.py clean(): decoded, turned upright, hashed). For each threshold t (a pair is a
match when the hashes differ in ≤ t of 64 bits):

- miss rate: copies whose distance to their original is > t, over all copies (per kind too);
- false match rate: pairs of distinct photos (different scenes, and similar-scene variants of
  one scene) at distance ≤ t, over all such pairs.

The threshold is PHOTO_REUSE_MAX_BITS (app/config.py); docs/integrity.md keeps the figures.
"""

import itertools
import time

from app.photos import images
from bench import photo_corpus

SCENES = 60
VARIANTS = 3
THRESHOLDS = (4, 6, 8, 10, 12, 14, 16, 18, 20)


def hash_of(data: bytes) -> str:
    return images.clean(data, 10_000_000).phash


def corpus(scenes: int = SCENES, variants: int = VARIANTS):
    """(originals, copies by kind, variants): hashes, each list indexed by scene."""
    originals, copies, similar = [], {kind: [] for kind in photo_corpus.COPIES}, []
    for seed in range(1, scenes + 1):
        data = photo_corpus.jpeg(photo_corpus.scene(seed))
        originals.append(hash_of(data))
        for kind, make in photo_corpus.COPIES.items():
            copies[kind].append(hash_of(make(data)))
        similar.append(
            [
                hash_of(photo_corpus.jpeg(photo_corpus.scene(seed, v)))
                for v in range(1, variants + 1)
            ]
        )
    return originals, copies, similar


def distances(originals, copies, similar):
    """Copy distances by kind; distinct-pair distances (other scenes; similar scenes)."""
    from app.photos.fingerprint import distance

    copy_d = {
        kind: [distance(o, c) for o, c in zip(originals, hashes, strict=True)]
        for kind, hashes in copies.items()
    }
    photos = [[o, *v] for o, v in zip(originals, similar, strict=True)]
    other_scene = [
        distance(a, b)
        for sa, sb in itertools.combinations(range(len(photos)), 2)
        for a in photos[sa]
        for b in photos[sb]
    ]
    same_scene = [distance(a, b) for group in photos for a, b in itertools.combinations(group, 2)]
    return copy_d, other_scene, same_scene


def table(copy_d, other_scene, same_scene, thresholds=THRESHOLDS) -> list[dict]:
    all_copies = [d for ds in copy_d.values() for d in ds]
    rows = []
    for t in thresholds:
        row = {"t": t, "miss": sum(d > t for d in all_copies) / len(all_copies)}
        for kind, ds in copy_d.items():
            row[f"miss_{kind}"] = sum(d > t for d in ds) / len(ds)
        row["false_other"] = sum(d <= t for d in other_scene) / len(other_scene)
        row["false_similar"] = sum(d <= t for d in same_scene) / len(same_scene)
        distinct = other_scene + same_scene
        row["false"] = sum(d <= t for d in distinct) / len(distinct)
        rows.append(row)
    return rows


def main() -> None:
    started = time.perf_counter()
    originals, copies, similar = corpus()
    copy_d, other_scene, same_scene = distances(originals, copies, similar)
    print(
        f"{SCENES} scenes, {sum(len(v) for v in copies.values())} copies, "
        f"{SCENES * VARIANTS} similar-scene photos; {len(other_scene)} other-scene pairs, "
        f"{len(same_scene)} similar-scene pairs ({time.perf_counter() - started:.1f} s)"
    )
    for kind, ds in copy_d.items():
        print(f"copy {kind:14} distance: max {max(ds)}, mean {sum(ds) / len(ds):.1f}")
    print(f"similar scenes  distance: min {min(same_scene)}, mean {_mean(same_scene):.1f}")
    print(f"other scenes    distance: min {min(other_scene)}, mean {_mean(other_scene):.1f}")
    kinds = list(copy_d)
    print("t   miss   " + "  ".join(f"{k[:10]:>10}" for k in kinds) + "  false  similar  other")
    for row in table(copy_d, other_scene, same_scene):
        print(
            f"{row['t']:<3} {row['miss']:6.2%} "
            + "  ".join(f"{row[f'miss_{k}']:10.2%}" for k in kinds)
            + f" {row['false']:6.2%}  {row['false_similar']:6.2%} {row['false_other']:6.2%}"
        )


def _mean(values) -> float:
    return sum(values) / len(values)
