"""Async repository functions: take a session, return plain values, never commit."""
