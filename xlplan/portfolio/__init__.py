"""portfolio layer of xlplan (see DESIGN.md)."""
