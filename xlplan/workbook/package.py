"""The small XML parts of an .xlsx package: sheets, defined names, tables.

Cell values come from a fast Rust reader; what it does not give (where each
table sits and what its columns are called, which cell a defined name points
at, the 1904 date flag, which cells hold Excel errors) is read here from the
package XML. The package is checked first: its size, its uncompressed size
and compression ratio (zip bombs), and every XML part for DTDs (XML bombs).
"""

from __future__ import annotations

import functools
import html
import io
import posixpath
import re
import struct
import types
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from xml.etree import ElementTree

from xlsxwriter.utility import xl_cell_to_rowcol

from xlplan.errors import XlplanError

_zlib: types.ModuleType
try:  # zlib-ng inflates the same streams about twice as fast as zlib
    from zlib_ng import zlib_ng as _zlib
except ImportError:  # pragma: no cover - a platform without its wheel
    _zlib = zlib
_INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _zlib.error)
_UNREADABLE_PART: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    *_INFLATE_ERRORS,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
RATIO_APPLIES_ABOVE = 1024 * 1024

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TAG = re.compile(
    r"<(?:\w+:)?(?P<name>\w+)(?P<attrs>(?:\s+[\w:]+\s*=\s*\"[^\"]*\")*)\s*/?>"
)
_ATTRIBUTE = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_TABLE_TAG = re.compile(r"<(?:\w+:)?table((?:\s+[\w:]+\s*=\s*\"[^\"]*\")*)\s*/?>")
_COLUMN_TAG = re.compile(
    r"<(?:\w+:)?tableColumn((?:\s+[\w:]+\s*=\s*\"[^\"]*\")*)\s*/?>"
)
_PLAIN_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_NAME_ATTRIBUTE = re.compile(r'(?:^|\s)(?:\w+:)?name\s*=\s*"([^"]*)"')
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RANGE = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$"
)


class PlanFileError(XlplanError):
    """The file cannot be read as a workbook at all; ``code`` names the cause."""

    def __init__(self, code: str, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.code = code


@dataclass(frozen=True)
class TablePart:
    """An Excel table: name, sheet, header row and data rows (0-based), columns."""

    name: str
    sheet: str
    header_row: int
    first_col: int
    last_row: int
    columns: tuple[str, ...]


@dataclass(frozen=True)
class NamedCell:
    """A defined name that points at one cell (0-based row and column)."""

    sheet: str
    row: int
    col: int


@dataclass
class Package:
    """What xlplan needs from the package XML of one workbook.

    Error cells are found per sheet on first use (``sheet_errors``): a plan has
    twenty sheets and a read needs a dozen, and each scan unpacks a sheet part.
    """

    sheets: list[str] = field(default_factory=list)
    sheet_paths: dict[str, str] = field(default_factory=dict)
    date1904: bool = False
    names: dict[str, NamedCell] = field(default_factory=dict)
    tables: dict[str, TablePart] = field(default_factory=dict)
    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    zipped: zipfile.ZipFile | None = field(default=None, repr=False, compare=False)

    def sheet_errors(self, sheet: str) -> dict[tuple[int, int], str]:
        """The error cells of ``sheet`` by 0-based (row, column); scanned once."""
        if sheet not in self.errors:
            path = self.sheet_paths.get(sheet)
            found = (
                _error_cells(self.zipped, path, sheet) if self.zipped and path else {}
            )
            self.errors[sheet] = found
        return self.errors[sheet]


class PackageZip(zipfile.ZipFile):
    """A workbook package held in memory, whose parts are read straight from it.

    ``zipfile`` opens a file object, a lock and a decompressor stream for each
    part it reads; a plan read takes some fifty parts, so this inflates each
    one from the package bytes in one call instead (and checks its size and
    CRC). Anything unusual (encrypted, another compression, a mismatch) takes
    ``zipfile``'s own path and its own errors.
    """

    def __init__(self, content: bytes) -> None:
        super().__init__(io.BytesIO(content))
        self._content = content

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        """The bytes of one part (``KeyError`` when the package has no such part)."""
        info = self.getinfo(name) if isinstance(name, str) else name
        data = _inflate(self._content, info) if pwd is None else None
        return data if data is not None else super().read(name, pwd)


def _inflate(content: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """One part's bytes from the package bytes, or ``None`` to leave it to zipfile."""
    if info.flag_bits & 0x1 or info.compress_type not in _PLAIN_COMPRESSION:
        return None
    start = info.header_offset
    header = content[start : start + 30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    data = content[begin : begin + info.compress_size]
    if info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            # Never more than the size the package declares (zip bombs).
            data = _zlib.decompressobj(-15).decompress(data, info.file_size + 1)
        except _INFLATE_ERRORS:
            return None
    if len(data) != info.file_size or _zlib.crc32(data) != info.CRC:
        return None
    return data


def check_container(content: bytes) -> zipfile.ZipFile:
    """Open ``content`` as a zip after the size, bomb and kind checks."""
    if len(content) > MAX_FILE_BYTES:
        raise PlanFileError(
            "file.too_large",
            f"The file is {len(content) / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MiB.",
            hint="A plan workbook is well under 1 MB: check this is the right file.",
        )
    if content.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise PlanFileError(
                "file.encrypted",
                "The workbook is password-protected (encrypted).",
                hint="Remove the password in Excel (File > Info > Protect Workbook) and save again.",
            )
        raise PlanFileError(
            "file.legacy_xls",
            "This is a legacy .xls workbook (Excel 97-2003), not .xlsx.",
            hint="Open it in Excel and save it as Excel Workbook (.xlsx).",
        )
    if not content.startswith(b"PK"):
        raise PlanFileError(
            "file.not_a_workbook",
            "The file is not an Excel workbook (.xlsx is a zip package; this is not one).",
            hint="Give an .xlsx file saved by Excel, LibreOffice or xlplan.",
        )
    try:
        package = PackageZip(content)
        members = package.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise PlanFileError(
            "file.corrupt_zip",
            f"The workbook package is damaged or truncated ({exc}).",
            hint="Save the workbook again from Excel, or restore it from a backup.",
        ) from None
    _check_bomb(members)
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "mimetype" in names:
        kind = package.read("mimetype")[:100].decode("ascii", "replace")
        if kind.endswith(".spreadsheet"):
            raise PlanFileError(
                "file.opendocument",
                "This is an OpenDocument spreadsheet (.ods), not an Excel workbook.",
                hint="Open it in LibreOffice and save it as Excel 2007-365 (.xlsx).",
            )
    if "xl/workbook.xml" not in names:
        raise PlanFileError(
            "file.not_a_workbook",
            "The zip package holds no spreadsheet (no xl/workbook.xml).",
            hint="Give an .xlsx workbook; Word, PowerPoint or other zip files are not plans.",
        )
    return package


def _check_bomb(members: list[zipfile.ZipInfo]) -> None:
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise PlanFileError(
            "file.zip_bomb",
            f"The package unpacks to {total / 2**20:.0f} MiB; the limit is "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MiB uncompressed.",
            hint="A plan workbook is far smaller: this file is not a plan, or is malicious.",
        )
    for member in members:
        ratio = member.file_size / max(1, member.compress_size)
        if member.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO:
            raise PlanFileError(
                "file.zip_bomb",
                f"Part {member.filename} compresses {ratio:.0f}:1; the limit is {MAX_RATIO}:1.",
                hint="This file looks like a zip bomb; it was not unpacked.",
            )


def _required_bytes(package: zipfile.ZipFile, name: str) -> bytes:
    """One part's bytes, checked for DTDs; a missing part is a damaged package."""
    data = _read_bytes(package, name)
    if data is None:
        raise PlanFileError(
            "file.corrupt_zip",
            f"Part {name} is missing.",
            hint="Save the workbook again from Excel.",
        )
    return data


def _parse_xml(name: str, data: bytes) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise PlanFileError(
            "file.bad_xml",
            f"Part {name} is not well-formed XML ({exc}).",
            hint="Save the workbook again from Excel.",
        ) from None


def _read_bytes(package: zipfile.ZipFile, name: str) -> bytes | None:
    """One part's bytes (``None`` when absent), refused if it declares a DTD."""
    data = _part(package, name)
    if data is not None:
        _refuse_dtd(name, data)
    return data


def _part(package: zipfile.ZipFile, name: str) -> bytes | None:
    """One part's bytes, ``None`` when absent; not yet checked for a DTD."""
    try:
        return package.read(name)
    except KeyError:
        return None
    except _UNREADABLE_PART as exc:
        raise PlanFileError(
            "file.corrupt_zip",
            f"Part {name} cannot be read ({exc}).",
            hint="Save the workbook again from Excel.",
        ) from None


def _refuse_dtd(name: str, data: bytes) -> None:
    """Refuse a part that declares a DTD or entities (XML bombs), before parsing it."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise PlanFileError(
            "file.xml_bomb",
            f"Part {name} declares a DTD or entities, which workbooks never need.",
            hint="The file was not parsed: it may be malicious.",
        )


def read_package(
    package: zipfile.ZipFile, error_sheets: set[str] | None = None
) -> Package:
    """Sheets, defined names, tables, the 1904 flag and error cells of a workbook.

    Error cells are scanned now for ``error_sheets`` (every sheet when
    ``None``), or, with an empty set, later for each sheet asked about.
    """
    result = Package(zipped=package)
    book = _parse_workbook(_required_bytes(package, "xl/workbook.xml"))
    result.date1904 = book.date1904
    result.names = dict(book.names)
    targets = _relationships(package, "xl/workbook.xml")
    for name, relationship in book.sheets:
        result.sheets.append(name)
        target = targets.get(relationship)
        if target:
            result.sheet_paths[name] = target
    for name, path in result.sheet_paths.items():
        for table in _sheet_tables(package, name, path):
            result.tables[table.name.casefold()] = table
        if error_sheets is None or name in error_sheets:
            result.sheet_errors(name)
    return result


def read_custom_properties(package: zipfile.ZipFile) -> dict[str, str]:
    """The workbook's custom document properties, as text by name.

    Excel, LibreOffice, openpyxl and XlsxWriter all keep them in
    ``docProps/custom.xml``. A part that is not well-formed gives none: these
    properties only ever add a fact about a workbook.
    """
    data = _read_bytes(package, "docProps/custom.xml")
    if data is None:
        return {}
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return {}
    return {
        prop.get("name", ""): "".join(prop.itertext()).strip()
        for prop in root.iter(f"{_CUSTOM}property")
    }


@dataclass(frozen=True)
class _WorkbookPart:
    """What xl/workbook.xml says: the date system, the sheets and the named cells."""

    date1904: bool
    sheets: tuple[tuple[str, str], ...]  # (sheet name, relationship id), in order
    names: tuple[tuple[str, NamedCell], ...]


@functools.lru_cache(maxsize=256)
def _parse_workbook(data: bytes) -> _WorkbookPart:
    book = _parse_xml("xl/workbook.xml", data)
    pr = book.find(f"{_MAIN}workbookPr")
    flag = pr.get("date1904", "") if pr is not None else ""
    sheets = tuple(
        (sheet.get("name", ""), sheet.get(f"{_REL}id", ""))
        for sheet in book.iter(f"{_MAIN}sheet")
    )
    names = []
    for defined in book.iter(f"{_MAIN}definedName"):
        if defined.get("localSheetId") is None and defined.text:
            cell = _named_cell(defined.text.strip())
            if cell:
                names.append((defined.get("name", ""), cell))
    return _WorkbookPart(flag.lower() in ("1", "true"), sheets, tuple(names))


def _relationships(package: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship targets of ``part`` by id, as package paths."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    data = _read_part(package, rels_name)
    return {} if data is None else dict(_parse_relationships(folder, data))


# The parsers below are pure functions of a part's text, and the plans of a
# portfolio share most of these parts word for word (one pack, one builder):
# each distinct text is parsed once per process.
@functools.lru_cache(maxsize=1024)
def _parse_relationships(folder: str, data: str) -> tuple[tuple[str, str], ...]:
    targets = []
    for tag in _TAG.finditer(data):
        if tag.group("name") != "Relationship":
            continue
        attributes = _attributes(tag.group("attrs"))
        target = attributes.get("Target", "")
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        targets.append((attributes.get("Id", ""), resolved))
    return tuple(targets)


def _read_part(package: zipfile.ZipFile, name: str) -> str | None:
    """A small XML part as text (``None`` when absent), checked for DTDs."""
    data = _read_bytes(package, name)
    return None if data is None else data.decode("utf-8", errors="replace")


def _column_name(attrs: str) -> str:
    """The ``name`` attribute among a table column's attributes, unescaped."""
    match = _NAME_ATTRIBUTE.search(attrs)
    name = match.group(1) if match else ""
    return html.unescape(name) if "&" in name else name


def _attributes(text: str) -> dict[str, str]:
    """Attributes of one tag, unescaped, without namespace prefixes."""
    return {
        name.split(":")[-1]: html.unescape(value) if "&" in value else value
        for name, value in _ATTRIBUTE.findall(text)
    }


@functools.lru_cache(maxsize=4096)
def _named_cell(text: str) -> NamedCell | None:
    match = _RANGE.match(text)
    if not match or (
        match.group(5)
        and (match.group(5), match.group(6)) != (match.group(3), match.group(4))
    ):
        return None
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    row, col = xl_cell_to_rowcol(f"{match.group(3)}{match.group(4)}")
    return NamedCell(sheet, row, col)


def _sheet_tables(package: zipfile.ZipFile, sheet: str, path: str) -> list[TablePart]:
    """The tables of one sheet, from the table parts its relationships name."""
    tables = []
    for target in _relationships(package, path).values():
        if "/tables/" not in target:
            continue
        data = _read_part(package, target)
        table = _parse_table(data) if data is not None else None
        if table is not None:
            tables.append(replace(table, sheet=sheet))
    return tables


@functools.lru_cache(maxsize=1024)
def _parse_table(data: str) -> TablePart | None:
    """A table part's name, range and column names (its sheet left blank).

    Table parts are small and machine-written: their tags are read with a
    regular expression rather than a full XML parse.
    """
    root_tag = _TABLE_TAG.search(data)
    root = _attributes(root_tag.group(1)) if root_tag else None
    if root is None or ":" not in root.get("ref", ""):
        return None
    (top, left), (bottom, _right) = (
        xl_cell_to_rowcol(p) for p in root["ref"].split(":")
    )
    header_rows = int(root.get("headerRowCount", "1"))
    columns = tuple(_column_name(attrs) for attrs in _COLUMN_TAG.findall(data))
    return TablePart(
        name=root.get("displayName") or root.get("name") or "",
        sheet="",
        header_row=top if header_rows else top - 1,
        first_col=left,
        last_row=bottom - int(root.get("totalsRowCount", "0")),
        columns=columns,
    )


def _error_cells(
    package: zipfile.ZipFile, path: str, sheet: str = ""
) -> dict[tuple[int, int], str]:
    """Cells whose type is an Excel error (``t="e"``): fast readers may drop them."""
    # Most sheets hold no error cell and are searched, not parsed: their
    # prolog is checked for a DTD, and the whole part only before parsing.
    data = _part(package, path)
    if data is None:
        return {}
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b'encoding="UTF-16"' in (
        data[:100].replace(b"utf", b"UTF")
    ):
        # The fast reader finds no cell in it, so the sheet would read empty.
        raise PlanFileError(
            "file.unreadable_sheet",
            f"Sheet '{sheet or path}' is saved as UTF-16 text, which xlplan "
            "cannot read.",
            hint="Open the workbook in Excel or LibreOffice and save it again "
            "(they write sheets as UTF-8).",
        )
    _refuse_dtd(path, data[:4096])
    if b't="e"' not in data:
        return {}
    _refuse_dtd(path, data)
    errors: dict[tuple[int, int], str] = {}
    for cell in _parse_xml(path, data).iter(f"{_MAIN}c"):
        if cell.get("t") == "e":
            value = cell.find(f"{_MAIN}v")
            text = value.text if value is not None and value.text else "#N/A"
            errors[xl_cell_to_rowcol(cell.get("r", "A1"))] = text
    return errors
