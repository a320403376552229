"""Acquisition: the guided measurement session and the meter adapters that feed it.

Readings come in through a meter (a driver of :mod:`luxcheck.drivers`, or typed-in values)
and are journalled into the campaign store before the next prompt.
"""
