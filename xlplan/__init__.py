"""xlplan: key-account plans kept in Excel as typed, versioned records."""

__version__ = "0.1.0"
