"""A new output format is one module: dropped into `reporter.formats`, `--format` offers it."""

from __future__ import annotations

import textwrap

import pytest

import reporter.formats as formats_package
from reporter.formats import formats

MODULE = textwrap.dedent(
    '''
    """A throwaway format: one line per finding."""

    from reporter.formats import Format


    def render(report):
        return "".join(f"{f.path}:{f.line}:{f.rule}\\n" for f in report.findings)


    FORMAT = Format("test_probe_lines", "path:line:rule per finding", render)
    '''
)


@pytest.fixture
def one_more_format(tmp_path, monkeypatch):
    folder = tmp_path / "extra_formats"
    folder.mkdir()
    (folder / "test_probe_lines.py").write_text(MODULE)
    monkeypatch.setattr(formats_package, "__path__", [*formats_package.__path__, str(folder)])
    formats.cache_clear()
    yield
    formats.cache_clear()


def test_a_format_module_is_offered_and_used(one_more_format, run_cli, vulnerable_repo) -> None:
    assert "test_probe_lines" in formats()
    done = run_cli("review", str(vulnerable_repo.repo.path), "--format", "test_probe_lines", "-q")
    assert done.code == 1, done.stderr  # the change has errors
    rows = done.stdout.splitlines()
    line = vulnerable_repo.line("app.py", "result = eval(")
    assert f"app.py:{line}:py-code-injection" in rows  # the rule pack's, merged with B307
    assert all(row.count(":") == 2 for row in rows)


def test_without_the_module_the_format_is_refused(run_cli, vulnerable_repo) -> None:
    formats.cache_clear()
    done = run_cli("review", str(vulnerable_repo.repo.path), "--format", "test_probe_lines", "-q")
    assert done.code == 2 and "invalid choice: 'test_probe_lines'" in done.stderr
