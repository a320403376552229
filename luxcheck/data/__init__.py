"""Reference tables shipped with luxcheck (CIE functions and samples); see README.md."""
