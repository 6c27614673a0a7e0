"""Demo data: eight quarters of plausible inspections, made and removed by one command."""
