"""``xlplan excel install`` prints the steps for each platform."""

import pytest
from click.testing import CliRunner

from xlplan.cli import main


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("windows", "Import Functions"),
        ("mac", "INTERPRETER_MAC"),
        ("web", "lite_main.py"),
    ],
)
def test_install_prints_numbered_steps_per_platform(platform, expected):
    result = CliRunner().invoke(main, ["excel", "install", "--platform", platform])
    assert result.exit_code == 0
    assert expected in result.output
    assert "  1. " in result.output
    assert "licence key" in result.output or platform == "mac"


def test_install_defaults_to_this_platform():
    result = CliRunner().invoke(main, ["excel", "install"])
    assert result.exit_code == 0 and result.output.startswith("xlplan in Excel (")
