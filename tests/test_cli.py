"""The command line: help, the indicators table, data status, and clear failures."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from analysis.__main__ import app, main

runner = CliRunner()


def cli(args: list[str], capsys) -> tuple[int, str]:
    """Run the real entry point (with its error handling); exit code and everything printed."""
    code = main(args)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "indicators", "import", "fetch", "data"):
        assert command in result.output
    build_help = runner.invoke(app, ["build", "--help"]).output
    assert "--data" in build_help and "--engine" in build_help and "--out" in build_help


def test_indicators_command_writes_the_tidy_table(tmp_path):
    out = tmp_path / "ind.csv"
    result = runner.invoke(app, ["indicators", "--data", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns) == ["year", "reporter", "partner", "group", "indicator", "variant", "value", "reason",
                                   "coverage", "world"]
    assert table["world"].str.startswith("the panel's own world rows").all()
    assert {"TSI", "RCA", "RSCA", "GL", "EI", "II", "share"} == set(table["indicator"])
    assert {"memory", "memory/DRAM", "system/amplifiers"} <= set(table["group"])


def test_indicators_at_code_level(tmp_path):
    out = tmp_path / "codes.csv"
    result = runner.invoke(app, ["indicators", "--data", "demo", "--level", "code", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "854232" in set(pd.read_csv(out, dtype={"group": str})["group"])


def test_import_of_a_bad_folder_fails_clearly(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("foo,bar\n1,2\n")
    code, output = cli(["import", str(tmp_path)], capsys)
    assert code == 1
    assert "header not recognised" in output and "Traceback" not in output and "--debug" in output


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "bad.csv").write_text("foo,bar\n1,2\n")
    import pytest

    from analysis.importers import DataImportError

    with pytest.raises(DataImportError):
        main(["--debug", "import", str(tmp_path)])


def test_unwritable_output_is_one_line(capsys):
    code, output = cli(["indicators", "--data", "demo", "--out", "/proc/analysis-test/ind.csv"], capsys)
    assert code == 1 and "Traceback" not in output and output.count("error:") == 1


def test_data_status_of_the_demo():
    result = runner.invoke(app, ["data", "status", "--data", "demo"])
    assert result.exit_code == 0, result.output
    assert "KOR" in result.output and "synthetic" in result.output
