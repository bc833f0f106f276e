"""Pure functions for every computed figure, each beside its Excel formula.

Nothing here reads or writes files, so ``core`` also runs inside xlwings Lite.
"""
