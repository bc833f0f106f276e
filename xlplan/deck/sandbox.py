"""A Jinja2 sandbox that also bounds how much a template may produce and for how long.

Jinja2's own sandbox stops a template reaching Python's internals but not
``{{ 'a' * 10**9 }}`` or a loop inside a loop. Deck templates come from the
pack or a PowerPoint file an organisation hands over, so xlplan also limits
string and list repetition, printf-style widths, the length of what a
template writes and, where the platform allows, the time it runs.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
from collections.abc import Iterator
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_TEXT = 20_000  # characters one template may write
MAX_SECONDS = 2.0  # wall time one template may run, where signals allow
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(\d+)")
_WIDENING_METHODS = frozenset(
    {"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs"}
)


class TemplateLimitError(SecurityError):
    """A template asked for more text, repetition or time than a deck allows."""


class BoundedSandbox(SandboxedEnvironment):
    """A sandboxed environment whose templates cannot write unbounded text."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**" and _number(right) and abs(right) > 64:
            raise TemplateLimitError(
                "powers above 64 are not allowed in deck templates"
            )
        elif operator == "%" and isinstance(left, str):
            check_format(left)
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _WIDENING_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_repeat(sequence: Any, times: Any) -> None:
    repeats = isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
    if repeats and len(sequence) * times > MAX_TEXT:
        raise TemplateLimitError(
            f"repeating text or a list past {MAX_TEXT:,} items is not allowed"
        )


def check_format(text: str) -> None:
    """Refuse a printf-style format whose field width would write too much."""
    if any(int(width) > MAX_TEXT for width in _WIDE_FORMAT.findall(text)):
        raise TemplateLimitError(f"a format width above {MAX_TEXT:,} is not allowed")


def bounded_render(template: Any, context: dict[str, Any]) -> str:
    """Render a template, stopping at ``MAX_TEXT`` characters or ``MAX_SECONDS``."""
    parts: list[str] = []
    written = 0
    with _time_limit(MAX_SECONDS):
        for chunk in template.generate(**context):
            written += len(chunk)
            if written > MAX_TEXT:
                raise TemplateLimitError(
                    f"the template writes more than {MAX_TEXT:,} characters"
                )
            parts.append(chunk)
    return "".join(parts)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TemplateLimitError`` after ``seconds``; a no-op off the main thread.

    Python delivers signals only to the main thread, and Windows has no
    interval timer: there the output limit is the only bound.
    """
    usable = hasattr(signal, "setitimer") and (
        threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TemplateLimitError(f"the template ran longer than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
