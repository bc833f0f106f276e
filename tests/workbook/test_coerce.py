"""Cells read into their field's type, as reps really type them."""

from xlplan.model.pack import FieldType
from xlplan.workbook.coerce import coerce


def _reference(pack, multi):
    fields = (f for s in pack.sections for f in s.fields)
    return next(f for f in fields if f.type is FieldType.REF and f.multi is multi)


def test_a_reference_cell_of_separators_only_reads_as_naming_no_one(pack):
    assert coerce(_reference(pack, False), ";") == (None, None)
    assert coerce(_reference(pack, True), " ; ;") == ((), None)
    assert coerce(_reference(pack, True), "Ann; ;Bo") == (("Ann", "Bo"), None)
