"""The demo campaign and every piece of synthetic data (simulated rooms, spectra, waveforms).

Nothing outside this package generates synthetic data, and no core module imports it.
"""
