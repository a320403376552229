"""The journal: the campaign store (SQLite) and the CSV folder exchange.

Every reading is appended and committed before the next prompt; nothing here computes a metric.
"""
