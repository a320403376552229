"""Readers of instrument export files: spectra, waveforms and photometric data.

Each reader turns a file into arrays with a located error for anything malformed; none of
them computes a metric.
"""
