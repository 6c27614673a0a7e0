"""The web layer: one blueprint per area (pages, JSON API, offline, maps, dashboard, admin).
Views are thin: they check who asks, call the domain packages, and render or serialise."""
