"""An inspection's life: stored exactly once, changed by revision, reviewed, soft-deleted;
its photos (cleaned, stored once) and its GPS checks."""
