"""Tables leaving the system as CSV and XLSX (streamed), with formula-safe cells and the
page's own rounding."""
