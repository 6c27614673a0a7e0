"""Was the inspection really made? The checks behind the integrity flags (FLAG_KINDS,
app/models/photos.py), each a sign a reviewer should look at, never a refusal:

- `photo_reused` (photos.py): a photo (of an inspection or of a problem) whose perceptual hash is
  within PHOTO_REUSE_MAX_BITS of an earlier photo of another inspection: the same picture sent
  again, re-encoded, resized or lightly cropped;
- `photo_old` (photos.py): a photo whose camera time is PHOTO_OLD_DAYS or more before the
  inspection date;
- `too_fast` (entry.py): a full inspection entered, from opening the form to saving it, in less
  than ENTRY_MIN_SECONDS;
- `copied_answers` (entry.py): every filled numeric answer equal to another village's inspection
  of the same quarter;
- `same_place` (places.py): one inspector's fixes of one county day within SAME_PLACE_RADIUS_M of
  each other for villages SAME_PLACE_VILLAGES_M or more apart.

They run when an inspection is submitted and when a photo arrives, and `flask integrity rebuild`
(rebuild.py) recomputes them all for the data stored before. Raising, merging and clearing a
flag is flags.py; counting them, counts.py. docs/integrity.md says how the thresholds were chosen.
"""
