"""Disclosure reports as a SQLite knowledge base: parse, store, check."""
