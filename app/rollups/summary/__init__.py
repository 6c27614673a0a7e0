"""The roll-up summary: village × quarter tallies and their sums per township and county, kept
current inside every writing transaction while it is switched on (province scale)."""
