"""excel layer of xlplan (see DESIGN.md)."""
