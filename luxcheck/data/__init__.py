"""Reference tables shipped with luxcheck (data only; see README.md for each source)."""
