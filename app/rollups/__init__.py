"""From answers to the numbers on every page: tallies (SQL, one per village and period), the pure
roll-up core (Σ numerators ÷ Σ denominators up the hierarchy), targets, and reports, the one
read path the dashboard, the API, the map and the exports call. `summary/` keeps the same
tallies stored for province-scale reads."""
