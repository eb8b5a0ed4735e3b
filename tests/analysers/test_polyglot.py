"""Every file kind's analyser, end to end through `reviewbot review --format json`.

One change plants a known problem in each file kind (`polyglot.py`): each is reported on
its exact lines by the agent that owns it. The same change reviewed with every tool's
repository configuration file present (trying to switch checks off, load rules or run
code), and with each tool's suppression comments added by the change, gives the same
findings, and no code of the repository runs. A file that crashes a tool costs that file
only; Python 3.12 syntax is analysed whatever Python runs the review.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from polyglot import ALSO_REPORTED, FILES, PLAIN, PLANTED, SUPPRESSED, polyglot

Located = set[tuple[str, str, str, int]]  # (path, agent, rule, line)


def hostile_configs(markers: Path) -> dict[str, str]:
    """Every tool's repository configuration, each trying to silence, redirect or hijack
    it; the two that could run code would write a file into `markers`."""
    zizmor = "rules:\n  template-injection:\n    disable: true\n"
    return {
        ".checkov.yaml": "external-checks-dir:\n  - checks\nskip-check:\n"
        "  - CKV_AWS_20\n  - CKV_AWS_24\n  - CKV_K8S_16\n",
        "checks/__init__.py": "",
        "checks/evil.py": f"import pathlib\npathlib.Path({str(markers / 'checkov')!r}).touch()\n",
        ".oxlintrc.json": json.dumps(
            {
                "jsPlugins": ["./evil-plugin.mjs"],
                "categories": {"correctness": "off", "suspicious": "off"},
                "rules": {"no-eval": "off"},
            }
        ),
        "evil-plugin.mjs": "import fs from 'node:fs';\n"
        f"fs.writeFileSync({json.dumps(str(markers / 'oxlint'))}, 'ran');\n"
        "export default { meta: { name: 'evil' }, rules: {} };\n",
        "web/.oxlintrc.json": json.dumps({"categories": {"correctness": "off"}}),
        "sgconfig.yml": "ruleDirs: [sgrules]\ncustomLanguages:\n  evil:\n"
        "    libraryPath: evil.so\n    extensions: [js, ts, go, java, py]\n",
        "sgrules/everything.yml": "id: everything\nlanguage: python\nseverity: error\n"
        "message: planted by the repository\nrule:\n  kind: identifier\n",
        ".hadolint.yaml": "ignored: [DL3007]\n",
        ".yamllint": "extends: relaxed\nignore: |\n  *\nrules:\n  key-duplicates: disable\n",
        ".shellcheckrc": "disable=all\n",
        "zizmor.yml": zizmor,
        ".github/zizmor.yml": zizmor,
        ".github/actionlint.yaml": "paths:\n  .github/workflows/**/*.yml:\n    ignore: ['.*']\n",
        "pyproject.toml": '[tool.ruff]\nextend = "/etc/passwd"\n\n[tool.ruff.lint]\n'
        'ignore = ["S"]\n\n[tool.bandit]\nskips = ["B602", "B605"]\n',
        "ruff.toml": '[lint]\nignore = ["S"]\n',
        ".bandit": "[bandit]\nskips = B602,B605\n",
    }


@pytest.fixture(scope="module")
def markers(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("markers")


@pytest.fixture(scope="module")
def reviews(repo_factory, run_cli, markers) -> dict[str, dict]:
    """The JSON review of each variant of the change: plain, suppressed, hostile."""
    changes = {
        PLAIN: polyglot(PLAIN),
        SUPPRESSED: polyglot(SUPPRESSED),
        "hostile": {**polyglot(PLAIN), **hostile_configs(markers)},
    }
    reports = {}
    for name, files in changes.items():
        repo = repo_factory([{"README.md": "polyglot\n"}, files], name=f"polyglot-{name}")
        done = run_cli("review", str(repo.path), "--format", "json", "--fail-on", "never", "-q")
        assert done.code == 0, done.stderr
        reports[name] = json.loads(done.stdout)
    return reports


def located(report: dict) -> Located:
    """What the review found on the change's planted files."""
    return {
        (f["path"], f["agent"], f["rule"], f["line"])
        for f in report["findings"]
        if f["path"] in FILES
    }


def test_every_analyser_agent_ran(reviews) -> None:
    for report in reviews.values():
        statuses = {name: agent["status"] for name, agent in report["agents"].items()}
        assert statuses.pop("correctness", "skipped") == "skipped"  # needs a model
        assert set(statuses.values()) == {"ok"}, report["agents"]


@pytest.mark.parametrize(("path", "agent", "rule", "line", "end"), PLANTED)
def test_each_planted_problem_is_reported_on_its_lines(reviews, path, agent, rule, line, end):
    found = [
        f
        for f in reviews[PLAIN]["findings"]
        if (f["path"], f["rule"], f["line"]) == (path, rule, line)
    ]
    assert len(found) == 1, [(f["rule"], f["line"]) for f in reviews[PLAIN]["findings"]]
    (finding,) = found
    assert (finding["agent"], finding["end_line"]) == (agent, end)
    assert set(finding["also_reported_by"]) == set(ALSO_REPORTED.get((path, line), ()))


def test_severities_follow_the_policy(reviews) -> None:
    severity = {(f["path"], f["rule"]): f["severity"] for f in reviews[PLAIN]["findings"]}
    # injection with run-time data: errors
    assert severity[("web/server.js", "js-command-injection")] == "error"
    assert severity[("py/modern.py", "py-command-injection")] == "error"
    assert severity[(".github/workflows/pr.yml", "zizmor/template-injection")] == "error"
    assert severity[("py/legacy.py", "B602")] == "error"
    assert severity[("py/settings.py", "AWS Access Key")] == "error"  # a known format
    # exposure and bad practice: warnings
    assert severity[("infra/main.tf", "CKV_AWS_20")] == "warning"
    assert severity[("Dockerfile", "DL3007")] == "warning"
    assert severity[("scripts/clean.sh", "SC2086")] == "warning"
    assert severity[("config.yaml", "key-duplicates")] == "warning"


def test_every_rule_id_matches_its_analysers_declared_pattern(reviews) -> None:
    from agents import registry

    for finding in reviews[PLAIN]["findings"]:
        patterns = [a.rule_ids for a in registry.get_agent(finding["agent"]).analysers]
        assert any(re.fullmatch(p, finding["rule"]) for p in patterns), finding


def test_python_312_syntax_is_analysed_on_any_python(reviews) -> None:
    report = reviews[PLAIN]
    (finding,) = [f for f in report["findings"] if (f["path"], f["line"]) == ("py/modern.py", 8)]
    assert "security" in finding["also_reported_by"]  # ruff's S605, from its own parser
    notes = report["agents"]["security"]["notes"]
    cannot_parse = [n for n in notes if n.startswith("py/modern.py: syntax error")]
    assert bool(cannot_parse) == (sys.version_info < (3, 12))  # bandit's, on 3.11


def test_repository_configurations_change_nothing_and_run_nothing(reviews, markers) -> None:
    assert located(reviews["hostile"]) == located(reviews[PLAIN])
    assert not [f for f in reviews["hostile"]["findings"] if f["rule"] == "everything"]
    assert list(markers.iterdir()) == []


def test_suppressions_the_change_adds_change_nothing(reviews) -> None:
    assert located(reviews[SUPPRESSED]) == located(reviews[PLAIN])
    notes = [n for agent in reviews[SUPPRESSED]["agents"].values() for n in agent["notes"]]
    ignored = {n.split(":", 1)[0] for n in notes if "a suppression the change adds" in n}
    assert ignored == set(FILES)  # every file carries one, each noted
