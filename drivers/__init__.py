"""Meter drivers (installed as ``luxcheck.drivers``): transport → protocol → device."""
