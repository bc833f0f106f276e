"""deck layer of xlplan (see DESIGN.md)."""
