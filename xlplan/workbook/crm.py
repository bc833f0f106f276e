"""Plans from a CRM account export (Salesforce, HubSpot, Dynamics and the like).

The export is a CSV with one account per row. Its usual headers are
recognised; ``--map`` names the field for any other. Every value is checked as
it is read; all bad values are reported together, each with the file, line
and column it came from, and no workbook is written until the file is clean.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlplan.errors import AccountsFileError
from xlplan.model.pack import FieldSpec, FieldType, Pack, SectionKind
from xlplan.model.values import match_enum
from xlplan.workbook.inputs import PlanInput
from xlplan.workbook.new import make_ids_unique, new_plan_input

# Usual CRM export headers, compared without case, spaces or punctuation. When
# two headers of a file land on one field, the one listed first here wins.
KNOWN_HEADERS: dict[str, str] = {
    "accountname": "plan.account_name",
    "companyname": "plan.account_name",
    "account": "plan.account_name",
    "company": "plan.account_name",
    "organization": "plan.account_name",
    "name": "plan.account_name",
    "industry": "profile.industry",
    "annualrevenue": "profile.client_annual_revenue",
    "revenue": "profile.client_annual_revenue",
    "employees": "profile.employees",
    "numberofemployees": "profile.employees",
    "billingcity": "profile.hq_location",
    "city": "profile.hq_location",
    "billingcountry": "profile.hq_location",
    "country": "profile.hq_location",
    "countryregion": "profile.hq_location",
    "accountowner": "plan.plan_owner",
    "accountownername": "plan.plan_owner",
    "companyowner": "plan.plan_owner",
    "owner": "plan.plan_owner",
    "description": "plan.summary_overview",
    "accounttier": "profile.account_tier",
    "tier": "profile.account_tier",
    "customersince": "profile.client_since",
    "clientsince": "profile.client_since",
    "yearfounded": "profile.year_founded",
    "yearstarted": "profile.year_founded",
    "currency": "plan.currency",
    "accountcurrency": "plan.currency",
    "planid": "plan.plan_id",
}
# Billing City and Billing Country both fill the headquarters: "City, Country".
_JOINED = {"profile.hq_location"}
_NOT_MAPPABLE = {"as_of"}
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
_NUMBER = re.compile(r"^(-?)(\()?([\d.,]+)(\))?\s*(k|m|mm|bn|b)?$", re.IGNORECASE)
_PLAIN = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}
MAX_NUMBER = 1e15
MAX_ERRORS_SHOWN = 20
DATE_ORDERS = ("dmy", "mdy")


@dataclass
class AccountsImport:
    """The plans read from an export, the headers nothing used, and notes."""

    plans: list[PlanInput] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def normalise_header(header: str) -> str:
    """A header compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def mappable_fields(pack: Pack) -> dict[str, str]:
    """Plan and profile input fields by name, as ``section.field``."""
    return {
        spec.name: f"{section.key}.{spec.name}"
        for section in pack.sections
        if section.kind is SectionKind.SINGLE
        for spec in section.input_fields
        if spec.name not in _NOT_MAPPABLE
    }


def parse_mapping(pairs: tuple[str, ...], pack: Pack) -> dict[str, str]:
    """``--map "Column=field"`` options as normalised header -> ``section.field``.

    Raises ``ValueError`` with a message for a pair that is not COLUMN=FIELD or
    names no mappable field (the CLI reports it as a usage mistake).
    """
    fields = mappable_fields(pack)
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        target = target.strip()
        if not sep or not normalise_header(header) or not target:
            raise ValueError(
                f'"{pair}" is not COLUMN=FIELD, e.g. "Segment=account_tier".'
            )
        qualified = target if target in fields.values() else fields.get(target, "")
        if not qualified:
            close = difflib.get_close_matches(target, list(fields), n=3, cutoff=0.5)
            suggestion = f" Did you mean {' or '.join(close)}?" if close else ""
            raise ValueError(
                f'"{pair}": "{target}" is not a plan or profile field.{suggestion}'
            )
        if normalise_header(header) in mapping:
            raise ValueError(f'"{pair}": column "{header}" is mapped twice.')
        mapping[normalise_header(header)] = qualified
    return mapping


def read_accounts(
    path: Path,
    pack: Pack,
    today: dt.date,
    mapping: Mapping[str, str] | None = None,
    date_order: str | None = None,
) -> AccountsImport:
    """One ``PlanInput`` per account row of a CRM export CSV.

    ``date_order`` ("dmy" or "mdy") reads dates such as 03/04/2020; without it
    a date that reads two ways is refused rather than guessed.
    """
    rows, headers = read_csv_rows(path)
    used, result = _choose_columns(path, headers, pack, mapping or {})
    name_header = next(h for h, t in used.items() if t == "plan.account_name")
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row, extra in rows:
        name = (row.get(name_header) or "").strip()
        if extra:
            result.notes.append(
                f"{path}, line {line}: more values than headers; extra values ignored."
            )
        if not name:
            if any((v or "").strip() for v in row.values()):
                result.notes.append(
                    f"{path}, line {line}: no account name; row skipped."
                )
            continue
        if name.casefold() in seen:
            result.notes.append(
                f"{path}, line {line}: '{name}' is also on line {seen[name.casefold()]}; "
                "both get a plan (the second file is numbered)."
            )
        seen.setdefault(name.casefold(), line)
        plan = new_plan_input(pack, name, today)
        for header, target in used.items():
            where = f'line {line}, column "{header}"'
            try:
                _apply(plan, pack, target, row.get(header), header, date_order, where)
            except ValueError as exc:
                problems.append(str(exc))
        result.notes += [
            f"{path}, line {line}: {note}"
            for note in _money_in_another_currency(plan, pack, row, used)
        ]
        result.plans.append(plan)
    _raise_problems(path, problems)
    if not result.plans:
        raise AccountsFileError(
            f'{path}: no account rows (every "{name_header}" is blank).',
            hint="Export at least one account with its name.",
        )
    make_ids_unique(result.plans)
    return result


# Currencies a sign in a CRM amount may stand for.
_SIGNS = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "BRL"),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("JPY", "CNY"),
}


def _money_in_another_currency(
    plan: PlanInput, pack: Pack, row: Mapping[str, str], used: Mapping[str, str]
) -> list[str]:
    """Notes on amounts whose sign or code is not the plan's currency.

    The amount is kept as a number in the plan's currency (xlplan does not
    convert a CRM export), so "€4.5M" in a USD plan would count as dollars.
    """
    currency = plan.records.get("plan", {}).get("currency")
    notes = []
    for header, target in used.items():
        section, name = target.split(".")
        if pack.field(section, name).type is not FieldType.MONEY:
            continue
        text = (row.get(header) or "").strip()
        code = re.match(r"^([A-Z]{3})\b|\b([A-Z]{3})$", text)
        signs = [c for sign, c in _SIGNS.items() if sign in text]
        means = (code.group(1) or code.group(2),) if code else signs[0] if signs else ()
        if means and currency not in means:
            notes.append(
                f'"{header}" {text!r} is in {" or ".join(means)}, but the plan\'s '
                f"currency is {currency or 'blank'}: the amount is kept as "
                f"{currency or 'the base currency'}. Add a Currency column to the "
                "export, or fix the plan's currency on its Cover."
            )
    return notes


def _choose_columns(
    path: Path, headers: list[str], pack: Pack, mapping: Mapping[str, str]
) -> tuple[dict[str, str], AccountsImport]:
    """Which header fills which field: --map first, then the usual headers in order."""
    fields = set(mappable_fields(pack).values())
    known = {k: v for k, v in KNOWN_HEADERS.items() if v in fields}
    by_norm = {normalise_header(h): h for h in reversed(headers)}
    result = AccountsImport()
    for wanted in mapping:
        if wanted not in by_norm:
            result.notes.append(
                f'--map: the file has no column like "{wanted}"; ignored.'
            )
    used: dict[str, str] = {}
    taken: dict[str, str] = {}
    for norm, target in [*mapping.items(), *known.items()]:
        header = by_norm.get(norm)
        if header is None or header in used:
            continue
        if target in taken and target not in _JOINED:
            result.notes.append(
                f'Column "{header}" not used: {target.split(".")[1]} is read from '
                f'"{taken[target]}".'
            )
            used[header] = ""
            continue
        used[header] = target
        taken.setdefault(target, header)
    result.ignored_headers = [h for h in headers if h not in used]
    used = {h: t for h, t in used.items() if t}
    if "plan.account_name" not in used.values():
        raise AccountsFileError(
            f"{path}: no account name column (headers: {', '.join(headers)}).",
            hint='Name it "Account Name", or pass --map "Your column=account_name".',
        )
    return used, result


def _raise_problems(path: Path, problems: list[str]) -> None:
    if not problems:
        return
    shown = "\n".join(f"  - {p}" for p in problems[:MAX_ERRORS_SHOWN])
    more = len(problems) - MAX_ERRORS_SHOWN
    tail = f"\n  ... and {more} more" if more > 0 else ""
    raise AccountsFileError(
        f"{path}: {len(problems)} value(s) cannot be read:\n{shown}{tail}",
        hint="Fix them in the export (or leave the cells blank), then run again; "
        "no workbook was written.",
    )


# ------------------------------------------------------------------ the file


def read_csv_rows(
    path: Path,
) -> tuple[list[tuple[int, dict[str, str], bool]], list[str]]:
    """Rows as (line number, values by header, had extra values), and the headers."""
    text = _decode(path, _read_bytes(path))
    delimiter = None
    offset = 0
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text, offset = first.strip()[4], rest, 1  # Excel's "sep=;" hint line
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise AccountsFileError(
            f"{path}, line {reader.line_num}: the CSV is malformed ({exc}).",
            hint="A quote is probably left open: check the quotes on that line.",
        ) from None
    if not records or not any(cell.strip() for cell in records[0][1]):
        raise AccountsFileError(
            f"{path}: the file is empty.", hint="Export the accounts with a header row."
        )
    headers = [h.strip() for h in records[0][1]]
    twice = sorted({h for h in headers if h and headers.count(h) > 1})
    if twice:
        # A row would keep only the last column's value, silently.
        raise AccountsFileError(
            f"{path}: the header row names {', '.join(map(repr, twice))} twice.",
            hint="Remove or rename the extra column, then export again.",
        )
    rows = []
    for line, values in records[1:]:
        if not any(v.strip() for v in values):
            continue
        row = {
            h: (values[i] if i < len(values) else "")
            for i, h in enumerate(headers)
            if h
        }
        rows.append((line + offset, row, len(values) > len(headers)))
    return rows, [h for h in headers if h]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AccountsFileError(
            f"{path}: no such file.", hint="Check the path."
        ) from None
    except IsADirectoryError:
        raise AccountsFileError(
            f"{path}: is a folder, not a CSV file.", hint="Give the export file."
        ) from None
    except OSError as exc:
        raise AccountsFileError(
            f"{path}: cannot be read ({exc.strerror}).", hint="Check the file."
        ) from None


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise AccountsFileError(
            f"{path}: this is an Excel workbook, not a CSV export.",
            hint="Save or export the account list as CSV (UTF-8) and pass that file.",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise AccountsFileError(
                f"{path}: the UTF-16 text is damaged at byte {exc.start} (the file "
                "may be cut short).",
                hint="Export the account list again, as CSV (UTF-8).",
            ) from None
    if b"\x00" in data:
        raise AccountsFileError(
            f"{path}: holds binary data, not CSV text.",
            hint="Export the account list as CSV (UTF-8).",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AccountsFileError(
        f"{path}: the text encoding is neither UTF-8 nor Windows-1252.",
        hint="Export the account list as CSV (UTF-8).",
    )


# ---------------------------------------------------------------- the values


def _apply(
    plan: PlanInput,
    pack: Pack,
    target: str,
    text: str | None,
    header: str,
    date_order: str | None,
    where: str,
) -> None:
    value = (text or "").strip()
    if not value:
        return
    section, name = target.split(".")
    spec = pack.field(section, name)
    parsed = parse_value(
        value, spec, pack.lists.get(spec.list_name or "", ()), where, date_order
    )
    record = plan.records.setdefault(section, {})
    if target in _JOINED and record.get(name):
        city_first = "country" in normalise_header(header)
        parsed = (
            f"{record[name]}, {parsed}" if city_first else f"{parsed}, {record[name]}"
        )
    record[name] = parsed
    if target == "plan.plan_owner":
        plan.tables.setdefault("team", []).insert(
            0, {"name": parsed, "team_role": "Account owner/AE"}
        )


def parse_value(
    value: str,
    spec: FieldSpec,
    choices: tuple[str, ...],
    where: str,
    date_order: str | None = None,
) -> Any:
    """A CRM cell as the field's type; ``ValueError`` says what is wrong and where."""
    kind = spec.type
    if kind.is_number:
        number = parse_number(value, where, whole=kind is FieldType.INT)
        if kind is FieldType.INT and number < 0:
            raise ValueError(
                f"{where}: '{value}' is negative; {spec.label} is 0 or more."
            )
        return number
    if kind is FieldType.DATE:
        return parse_date(value, where, date_order)
    if kind is FieldType.BOOL:
        if value.casefold() in _TRUE:
            return True
        if value.casefold() in _FALSE:
            return False
        raise ValueError(f"{where}: '{value}' is not yes or no.")
    if kind is FieldType.ENUM:
        matched = match_enum(value, choices)
        if matched is None:
            raise ValueError(f"{where}: '{value}' is not one of {', '.join(choices)}.")
        return matched
    return value


def parse_number(value: str, where: str, *, whole: bool = False) -> float | int:
    """A CRM number: currency symbols, thousands commas and k/M/bn suffixes allowed.

    A decimal comma ("1.200,50") is refused rather than guessed.
    """
    cleaned = re.sub(r"[$€£¥\s]|[A-Z]{3}$|^[A-Z]{3}", "", value.strip())
    match = _NUMBER.match(cleaned)
    if not match or bool(match.group(2)) != bool(match.group(4)):
        raise ValueError(f"{where}: '{value}' is not a number.")
    digits = match.group(3)
    if not _PLAIN.match(digits):
        raise ValueError(
            f"{where}: '{value}' is not a number xlplan can read without guessing "
            "(use a dot for decimals, commas only between thousands)."
        )
    number = float(digits.replace(",", "")) * _MULTIPLIERS.get(
        (match.group(5) or "").lower(), 1.0
    )
    if match.group(1) or match.group(2):
        number = -number
    if abs(number) > MAX_NUMBER:
        raise ValueError(f"{where}: '{value}' is too large.")
    if whole and not number.is_integer():
        raise ValueError(f"{where}: '{value}' is not a whole number.")
    return int(number) if whole or number.is_integer() else number


def parse_date(value: str, where: str, date_order: str | None = None) -> dt.date:
    """A CRM date: ISO, or day and month in the order ``date_order`` gives."""
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y"):
        try:
            return check_date_range(dt.datetime.strptime(text, pattern).date(), where)
        except ValueError as exc:
            if "range" in str(exc):
                raise
    readings = {}
    for order, patterns in (
        ("dmy", ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")),
        ("mdy", ("%m/%d/%Y", "%m-%d-%Y")),
    ):
        for pattern in patterns:
            try:
                readings[order] = dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    if date_order in readings:
        return check_date_range(readings[date_order], where)
    if len(set(readings.values())) == 1:
        return check_date_range(next(iter(readings.values())), where)
    if len(readings) > 1:
        raise ValueError(
            f"{where}: '{value}' reads as {readings['dmy']:%d %b %Y} or {readings['mdy']:%d %b %Y}; "
            "pass --date-order dmy or mdy (or write YYYY-MM-DD)."
        )
    raise ValueError(f"{where}: '{value}' is not a date; write YYYY-MM-DD.")


def check_date_range(day: dt.date, where: str) -> dt.date:
    """``day`` if Excel can store it (1900-01-01 to 9999-12-31)."""
    if day < dt.date(1900, 1, 1):
        raise ValueError(
            f"{where}: {day.isoformat()} is before 1900-01-01, Excel's first date (out of range)."
        )
    return day
