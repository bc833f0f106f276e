"""Typed plan objects and the template pack schema. No file I/O here."""
