"""Portfolio history: rollup snapshots in DuckDB, and what changed between two."""
