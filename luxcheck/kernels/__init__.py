"""The numpy kernels: arrays in, arrays out.

No module here does I/O beyond reading the package's own CIE tables, and none knows the
readings model, the standards packs or the metric vocabulary: limits a kernel needs (IEEE
1789 curves, risk-group limits) are passed in by the caller.
"""
