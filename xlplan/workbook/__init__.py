"""workbook layer of xlplan (see DESIGN.md)."""
