"""Shared test support: builders, report fixtures and user packs (one place for all)."""
