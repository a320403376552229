"""Standards packs (data only): shipped in the wheel as ``luxcheck._packs``."""
