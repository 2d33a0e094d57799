"""Parquet writing and reading, dataset layout, provenance."""
