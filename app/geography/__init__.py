"""The county's places: townships and villages seeded from the real data, and coordinates
(WGS-84 ↔ GCJ-02, distances, point in polygon)."""
