"""Template text is sandboxed and bounded: no escape, no unbounded text or time."""

from __future__ import annotations

import pytest

from xlplan.deck.narrative import DeckTemplateError, render_text


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("{{ 'a' * 1000000000 }}", "repeating text"),
        ("{{ [1] * 100000000 }}", "repeating text"),
        ("{{ 2 ** 100000000 }}", "powers above 64"),
        ("{{ '%1000000000s' % 'x' }}", "format width"),
        ("{{ '%1000000000s' | format('x') }}", "format width"),
        ("{{ 'x'.center(1000000000) }}", "unsafe"),
        ("{{ 'x' | center(1000000000) }}", "No filter named 'center'"),
        ("{% for i in range(100000000) %}x{% endfor %}", "Range too big"),
        ("{% for i in range(100000) %}{{ 'abc' }}{% endfor %}", "more than 20,000"),
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ],
)
def test_a_runaway_or_unsafe_template_is_a_clear_error(
    source: str, reason: str
) -> None:
    with pytest.raises(
        DeckTemplateError, match="layout 'Title', shape 'Footer'"
    ) as error:
        render_text(source, {}, "layout 'Title', shape 'Footer'")
    assert reason in str(error.value)


def test_a_template_that_runs_too_long_is_stopped() -> None:
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(DeckTemplateError, match="ran longer than"):
        render_text(loop, {}, "narrative 'summary'")


def test_ordinary_arithmetic_and_formatting_still_work() -> None:
    text = render_text(
        "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%05.1f' | format(3.14159) }}", {}, "x"
    )
    assert text == "ababab 1024 003.1"
