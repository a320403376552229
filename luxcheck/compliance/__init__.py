"""Compliance: the standards packs, the engine that judges metrics against them, and verdicts."""
