"""New plans: the starting values of a fresh plan, and plans from a CRM export.

A CRM account export (Salesforce, HubSpot, Dynamics and the like) is a CSV
with one account per row. Its usual headers are recognised; ``--map`` names
the field for any other. Values are checked as they are read, and a bad one
stops with the file, row and column it came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlplan.core.excel import add_months
from xlplan.errors import AccountsFileError
from xlplan.model.pack import FieldType, Pack, SectionKind
from xlplan.model.values import match_enum
from xlplan.workbook.inputs import PlanInput

# Usual CRM export headers (compared without case, spaces or punctuation).
KNOWN_HEADERS: dict[str, str] = {
    "accountname": "plan.account_name",
    "account": "plan.account_name",
    "company": "plan.account_name",
    "companyname": "plan.account_name",
    "name": "plan.account_name",
    "organization": "plan.account_name",
    "industry": "profile.industry",
    "annualrevenue": "profile.client_annual_revenue",
    "revenue": "profile.client_annual_revenue",
    "employees": "profile.employees",
    "numberofemployees": "profile.employees",
    "billingcountry": "profile.hq_location",
    "country": "profile.hq_location",
    "countryregion": "profile.hq_location",
    "accountowner": "plan.plan_owner",
    "owner": "plan.plan_owner",
    "accountownername": "plan.plan_owner",
    "companyowner": "plan.plan_owner",
    "description": "plan.summary_overview",
    "tier": "profile.account_tier",
    "accounttier": "profile.account_tier",
    "customersince": "profile.client_since",
    "clientsince": "profile.client_since",
    "yearstarted": "profile.year_founded",
    "yearfounded": "profile.year_founded",
    "currency": "plan.currency",
    "accountcurrency": "plan.currency",
    "planid": "plan.plan_id",
}
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
_NUMBER = re.compile(r"^\(?-?[\d.,]+\)?\s*(k|m|mm|bn|b)?$", re.IGNORECASE)
_PLAIN = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y")


@dataclass
class AccountsImport:
    """The plans read from an export, and the headers nothing used."""

    plans: list[PlanInput] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def new_plan_input(pack: Pack, account_name: str, today: dt.date) -> PlanInput:
    """The values a fresh Draft plan starts with: a one-year period from ``today``."""
    currency = (
        pack.rates.base if pack.rates.base in pack.lists.get("currency", ()) else None
    )
    return PlanInput(
        records={
            "plan": {
                "plan_id": plan_id_for(account_name, today),
                "account_name": account_name,
                "plan_version": "v1",
                "created_date": today,
                "period_type": "Annual",
                "period_start": today,
                "period_end": add_months(today, 12) - dt.timedelta(days=1),
                "plan_status": "Draft",
                "review_cadence": "Monthly",
                "currency": currency,
            },
            "profile": {},
        },
    )


def plan_id_for(account_name: str, today: dt.date) -> str:
    """A readable plan id: up to six letters of the name and the year (``ACMELO-2026``)."""
    letters = re.sub(r"[^A-Za-z0-9]", "", account_name).upper()[:6] or "PLAN"
    return f"{letters}-{today.year}"


def normalise_header(header: str) -> str:
    """A header compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def parse_mapping(pairs: tuple[str, ...], pack: Pack) -> dict[str, str]:
    """``--map "Column=field"`` options as normalised header -> ``section.field``."""
    singles = {
        spec.name: f"{section.key}.{spec.name}"
        for section in pack.sections
        if section.kind is SectionKind.SINGLE
        for spec in section.input_fields
    }
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        target = target.strip()
        qualified = target if "." in target else singles.get(target, "")
        if not sep or qualified not in singles.values():
            raise AccountsFileError(
                f'--map "{pair}": "{target}" is not a plan or profile field.',
                hint='Write --map "CRM column=field", e.g. --map "Segment=account_tier".',
            )
        mapping[normalise_header(header)] = qualified
    return mapping


def read_accounts(
    path: Path, pack: Pack, today: dt.date, mapping: Mapping[str, str] | None = None
) -> AccountsImport:
    """One ``PlanInput`` per account row of a CRM export CSV."""
    rows, headers = _read_csv(path)
    columns = {**KNOWN_HEADERS, **(mapping or {})}
    used = {
        h: columns[normalise_header(h)]
        for h in headers
        if normalise_header(h) in columns
    }
    if "plan.account_name" not in used.values():
        raise AccountsFileError(
            f"{path}: no account name column (headers: {', '.join(headers)}).",
            hint='Name it "Account Name", or pass --map "Your column=account_name".',
        )
    result = AccountsImport(ignored_headers=[h for h in headers if h not in used])
    for number, row in enumerate(rows, start=2):
        name = (row.get(_header_for(used, "plan.account_name")) or "").strip()
        if not name:
            continue
        plan = new_plan_input(pack, name, today)
        for header, target in used.items():
            _apply(plan, pack, target, row.get(header), path, number, header)
        result.plans.append(plan)
    return result


def _header_for(used: Mapping[str, str], target: str) -> str:
    return next(h for h, t in used.items() if t == target)


def _read_csv(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AccountsFileError(
            f"{path}: no such file.", hint="Check the path."
        ) from None
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    dialect: type[csv.Dialect] | csv.Dialect
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    headers = [h for h in (reader.fieldnames or []) if h]
    if not headers:
        raise AccountsFileError(
            f"{path}: the file is empty.", hint="Export the accounts with a header row."
        )
    return list(reader), headers


def _apply(
    plan: PlanInput,
    pack: Pack,
    target: str,
    text: str | None,
    path: Path,
    row: int,
    header: str,
) -> None:
    value = (text or "").strip()
    if not value:
        return
    section, name = target.split(".")
    spec = pack.field(section, name)
    where = f'{path}, row {row}, column "{header}"'
    parsed = _parse(value, spec.type, pack.lists.get(spec.list_name or "", ()), where)
    plan.records.setdefault(section, {})[name] = parsed
    if target == "plan.plan_owner":
        plan.tables.setdefault("team", []).insert(
            0, {"name": parsed, "team_role": "Account owner/AE"}
        )


def _parse(value: str, kind: FieldType, choices: tuple[str, ...], where: str) -> Any:
    if kind.is_number:
        return parse_number(value, where, whole=kind is FieldType.INT)
    if kind is FieldType.DATE:
        return parse_date(value, where)
    if kind is FieldType.ENUM:
        matched = match_enum(value, choices)
        if matched is None:
            raise AccountsFileError(
                f"{where}: '{value}' is not one of {', '.join(choices)}.",
                hint="Fix the value in the export, or leave it blank and pick it in the workbook.",
            )
        return matched
    return value


def parse_number(value: str, where: str, *, whole: bool = False) -> float | int:
    """A CRM number: currency symbols, thousands separators and k/M/bn suffixes allowed."""
    cleaned = re.sub(r"[$€£¥\s]|[A-Z]{3}$|^[A-Z]{3}", "", value.strip())
    match = _NUMBER.match(cleaned)
    if not match:
        raise AccountsFileError(
            f"{where}: '{value}' is not a number.",
            hint="Write digits, e.g. 1200000 or 1.2M.",
        )
    suffix = (match.group(1) or "").lower()
    digits = cleaned[: len(cleaned) - len(suffix)].strip("()")
    negative = cleaned.startswith("(") or digits.startswith("-")
    digits = digits.lstrip("-").strip()
    if not _PLAIN.match(digits):
        raise AccountsFileError(
            f"{where}: '{value}' is not a number xlplan can read without guessing.",
            hint="Use a dot for decimals and commas only between thousands, e.g. 1,200.50.",
        )
    number = float(digits.replace(",", "")) * _MULTIPLIERS.get(suffix, 1.0)
    number = -number if negative else number
    return int(round(number)) if whole or number.is_integer() else number


def parse_date(value: str, where: str) -> dt.date:
    """A CRM date in ISO or a common day/month form."""
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise AccountsFileError(
        f"{where}: '{value}' is not a date.", hint="Write it as YYYY-MM-DD."
    )
