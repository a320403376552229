"""Meter emulators with fault injection (``emu://MODEL`` and pseudo-terminals)."""
