"""Security reviewer: bandit and ruff's bandit-derived `S` rules over the changed Python
files, then a model pass if configured.

bandit parses with the running interpreter, so on Python 3.11 it cannot read a file using
3.12+ syntax (`type X = ...`, PEP 695 generics, nested same-quote f-strings) and only notes
it; ruff has its own parser, so its `S` rules still review such a file. Where both find
the same problem they report it alike (ruff's S602 is bandit's B602: same rule id, same
category), so the review merges them into one finding.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Mapping
from functools import cache

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Agent, Analyser, Brief
from agents.files import PYTHON_FILES
from agents.parsers import ToolOutput
from agents.reviewers.style import NOQA
from review.findings import Finding, Severity
from review.lines import LineModel

# bandit rule id -> the category shared with the other agents that find the same problem
# (detect-secrets' secrets, the `patterns` rule pack's injections), so they merge.
CATEGORIES = {
    **dict.fromkeys(("B105", "B106", "B107"), "hardcoded-secret"),
    **dict.fromkeys(("B601", "B602", "B604", "B605", "B609"), "command-injection"),
    **dict.fromkeys(("B102", "B307"), "code-injection"),
    **dict.fromkeys(("B608", "B610", "B611"), "sql-injection"),
    **dict.fromkeys(("B301", "B302", "B506", "B614"), "unsafe-deserialization"),
    **dict.fromkeys(("B501", "B502", "B503", "B504", "B323"), "insecure-tls"),
    **dict.fromkeys(("B303", "B304", "B305", "B324"), "weak-crypto"),
    **dict.fromkeys(("B308", "B701", "B702", "B703", "B704"), "xss"),
}

# Severity policy (README, "Severities"; issue 13): an error is what a reviewer would block
# the merge for. Keyed by bandit id; ruff's S rules use the same ids. Any other rule is a
# warning, and every import rule (B4xx) a note. Sources: bandit's plugin docs
# (https://bandit.readthedocs.io/en/latest/plugins/) for what each rule checks.
#
# Errors whatever the data, because the rule itself only fires on a dangerous call:
_ERRORS = (
    *("B301", "B302", "B506"),  # pickle, marshal, yaml.load without a safe Loader
    *("B501", "B323"),  # requests' verify=False, ssl._create_unverified_context
    # Django extra()/RawSQL and mark_safe, Markup: bandit and ruff report them only when
    # the SQL or the markup is not a literal
    *("B610", "B611", "B703", "B704"),
)
# Errors when bandit judges the command run-time data (its HIGH; ruff's message without
# "seems safe") and it is not a module constant; else warnings:
_ERRORS_IF_RUNTIME = ("B602", "B605")  # a shell command: subprocess(shell=True), os.system
# Notes: hygiene, or a call that is only dangerous somewhere else.
_NOTES = (
    *("B101", "B110", "B112"),  # assert; try/except/pass, try/except/continue
    "B311",  # `random`, which is fine but for secrets
    *("B603", "B606", "B607"),  # a process started without a shell; a partial path
    # a password guessed from a variable's name: detect-secrets' warning says it for both
    *("B105", "B106", "B107"),
    # the standard library's XML parsers: no external entities since Python 3.7.1, and
    # expat >= 2.4.1 stops entity expansion bombs (https://docs.python.org/3/library/
    # xml.html#xml-vulnerabilities). (bandit 1.9 has no lxml rule, B320/B410, any more:
    # lxml 5.0 resolves no external entities by default; `patterns`' py-xxe makes a
    # parser told to resolve them an error.)
    *("B313", "B314", "B315", "B316", "B317", "B318", "B319"),
)
# Warnings worth naming (they were errors, or look like they should be): B601 and B604
# (paramiko's exec_command, any call with shell=True: neither rule looks at the data),
# B609 (a wildcard in a constant command), B502-B504 (old TLS versions, not verification
# off), B614 (torch.load without weights_only: safe by default since torch 2.6, see
# https://pytorch.org/docs/stable/generated/torch.load.html; the `patterns` agent makes
# an explicit weights_only=False an error), B701 (a Jinja2 environment without
# autoescape: the default, and right for text templates; `patterns` makes an explicit
# autoescape=False over HTML templates an error), B307, B102 and B608 (`eval`, `exec`,
# SQL strings, constants included: `patterns` reports the run-time cases as errors,
# merged with these), B324 (MD5/SHA-1: not a finding with usedforsecurity=False).
SEVERITIES = {
    **dict.fromkeys((*_ERRORS, *_ERRORS_IF_RUNTIME), Severity.ERROR),
    **dict.fromkeys(_NOTES, Severity.NOTE),
}

# bandit's in-code suppression, `# nosec` or `# nosec B602` (ruff's are the style agent's,
# `NOQA` there): neutralised for both tools where the change adds it, and honoured by ruff's S
# rules too where it was already there (`nosec_lines`)
NOSEC = r"(?i)nosec"
# bandit's own pattern of a nosec comment (bandit/core/manager.py): lowercase only
_NOSEC_COMMENT = re.compile(r"#\s*nosec:?\s*(?P<tests>[^#]+)?")
_NOSEC_TEST = re.compile(r"[A-Za-z0-9_]+")
# the command a shell rule flags is a module constant: `os.system(CMD)`
_CONSTANT_ARGUMENT = re.compile(r"\(\s*[A-Z][A-Z0-9_]+\s*[,)]")


def severity(rule: str, severities: Mapping[str, Severity], constant: bool) -> Severity:
    """Our severity of bandit rule `rule`; `constant` when the command it flags is
    constant (bandit's LOW, ruff's "seems safe", or a module constant)."""
    found = severities.get(rule)
    if found is Severity.ERROR and constant and rule in _ERRORS_IF_RUNTIME:
        return Severity.WARNING
    if found is None and rule.startswith("B4"):  # importing a module with a bad history
        return Severity.NOTE
    return found or Severity.WARNING


def names_a_constant(lines: list[str], line: int, end: int) -> bool:
    """Whether the call on lines line..end (1-based) passes a module constant (an ALL_CAPS
    name, as the rule pack counts them) as its first argument."""
    return bool(_CONSTANT_ARGUMENT.search(" ".join(lines[line - 1 : end])))


def nosec_lines(lines: list[str]) -> dict[int, frozenset[str] | None]:
    """The lines bandit's `# nosec` comments cover, as Python's tokenizer numbers them:
    every line of a statement holding one (bandit honours a nosec on any line of the node
    it flags; ruff places a finding on the node's first line). The value is None for a
    blanket `# nosec`, else the bandit ids it names (`# nosec B602`, or a test's name:
    `# nosec subprocess_popen_with_shell_equals_true`). A file the tokenizer cannot read
    to its end falls back to the comment's own line."""
    if not any("nosec" in line for line in lines):  # case matters: bandit's `#\s*nosec`
        return {}
    comments: dict[int, frozenset[str] | None] = {}
    spans: list[tuple[int, int]] = []
    first = None
    try:
        for token in tokenize.generate_tokens(iter(f"{line}\n" for line in lines).__next__):
            row = token.start[0]
            if token.type == tokenize.COMMENT and (found := _NOSEC_COMMENT.search(token.string)):
                comments[row] = _nosec_tests(found["tests"] or "")
            elif token.type == tokenize.NEWLINE and first is not None:
                spans.append((first, token.end[0]))
                first = None
            elif token.type not in _NOT_CODE and first is None:
                first = row
    except (tokenize.TokenError, SyntaxError):
        spans = []
        comments = {
            number: _nosec_tests(found["tests"] or "")
            for number, text in enumerate(lines, 1)
            if (found := _NOSEC_COMMENT.search(text))
        }
    covered = dict(comments)
    for start, stop in spans:
        held = [comments[row] for row in range(start, stop + 1) if row in comments]
        if held:
            tests = None if None in held else frozenset().union(*held)  # type: ignore[arg-type]
            covered.update(dict.fromkeys(range(start, stop + 1), tests))
    return covered


_NOT_CODE = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
)


def _nosec_tests(text: str) -> frozenset[str] | None:
    """The bandit ids a nosec comment's text names; None (every test) when it names none,
    as bandit reads it (`# nosec - a reason` is a blanket nosec)."""
    ids = {_bandit_id(word) for word in _NOSEC_TEST.findall(text)} - {None}
    return frozenset(ids) if ids else None  # type: ignore[arg-type]


@cache
def _bandit_id(word: str) -> str | None:
    """`B602` for "B602" or bandit's name of that test; None for any other word."""
    if re.fullmatch(r"[Bb]\d{3}", word):
        return word.upper()
    if not re.fullmatch(r"[a-z][a-z0-9_]+_[a-z0-9_]+", word):
        return None  # not a test name: bandit's are snake_case with an underscore
    from bandit.core import extension_loader  # loads bandit's plugins: only when needed

    return extension_loader.MANAGER.get_test_id(word) or None


def is_suppressed(
    rule: str, nosec: Mapping[int, frozenset[str] | None], line: int, end: int
) -> bool:
    """Whether a nosec comment covering one of lines line..end silences `rule`."""
    for number in range(line, end + 1):
        if number in nosec:
            tests = nosec[number]
            if tests is None or rule in tests:
                return True
    return False


def parse_bandit(output: ToolOutput) -> Analysis:
    """bandit's JSON report: a finding per result (its whole `line_range`, its confidence
    in the message); a note for each file it could not parse, and for each file it was
    given but did not report analysing."""
    report = output.json()
    analysis = Analysis()
    texts: dict[str, list[str]] = {}
    for item in report.get("results", []):
        path = output.repo_path(item["filename"])
        if path is None:
            continue
        rule = item["test_id"]
        # the whole statement: bandit's `line_number` is the line of what it flags inside
        # it (`shell=True`), ruff's the statement's first line, where both are placed
        line_range = item.get("line_range") or [item["line_number"]]
        line, end = min(line_range), max(line_range)
        constant = item.get("issue_severity") == "LOW"
        if rule in _ERRORS_IF_RUNTIME and not constant:
            lines = texts.setdefault(path, output.lines(path, LineModel.UNIVERSAL))
            constant = names_a_constant(lines, line, end)
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=rule,
                severity=severity(rule, output.severities, constant),
                path=path,
                line=line,
                end_line=end if end > line else None,
                message=f"{item['issue_text']} ({item['test_name']}, "
                f"confidence {item.get('issue_confidence', '?').lower()})",
                category=CATEGORIES.get(rule, ""),
            )
        )
    reached = {output.repo_path(name) for name in report.get("metrics") or {}}
    for error in report.get("errors", []):
        path = output.repo_path(error["filename"]) or error["filename"]
        reached.add(path)
        analysis.notes.append(f"{path}: {error['reason']} (bandit; ruff's S rules still read it)")
    for path in output.files:
        if path not in reached:
            analysis.notes.append(f"{path}: bandit did not analyse it")
    return analysis


_S_RULE = re.compile(r"S(\d{3})")


def parse_ruff_security(output: ToolOutput) -> Analysis:
    """ruff's JSON diagnostics for the `S` rules, named as bandit names them (S602 is
    reported as B602, "ruff S602" in the message) so that the two tools' findings of one
    problem merge. ruff does not know `# nosec`: a finding on a statement holding one
    that silences its rule is left out, as bandit leaves it out (`nosec_lines`; a nosec
    the change adds was neutralised in the copy read here). Syntax errors are the style
    agent's to report, not repeated here."""
    analysis = Analysis()
    texts: dict[str, list[str]] = {}
    nosecs: dict[str, dict[int, frozenset[str] | None]] = {}
    for item in output.json():
        path = output.repo_path(item["filename"])
        match = _S_RULE.fullmatch(item.get("code") or "")
        if path is None or match is None:
            continue
        rule = f"B{match.group(1)}"
        line, end = item["location"]["row"], item["end_location"]["row"]
        if path not in texts:
            texts[path] = output.lines(path, LineModel.UNIVERSAL)
            nosecs[path] = nosec_lines(texts[path])
        if is_suppressed(rule, nosecs[path], line, end):
            continue
        message = item["message"]
        constant = "seems safe" in message or (
            rule in _ERRORS_IF_RUNTIME and names_a_constant(texts[path], line, end)
        )
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=rule,
                severity=severity(rule, output.severities, constant),
                path=path,
                line=line,
                end_line=end if end > line else None,
                message=f"{message} (ruff {item['code']})",
                category=CATEGORIES.get(rule, ""),
            )
        )
    return analysis


AGENT = Agent(
    name="security",
    description="bandit and ruff's S rules on Python files, plus a model's security review",
    files=PYTHON_FILES,
    order=10,
    analysers=(
        Analyser(
            # `--exclude ""` drops bandit's default excludes (.tox, __pycache__, *.egg…), which
            # it applies even to the files it is given; every changed Python file is read
            command=(PYTHON, "-m", "bandit", "--format", "json", "--quiet", "--exclude", "")
            + ("--", FILES),
            version=(PYTHON, "-m", "bandit", "--version"),
            rule_ids=r"B[0-9]{3}",
            parse=parse_bandit,
            line_model=LineModel.UNIVERSAL,
            findings_exit_codes=(1,),
            severities=SEVERITIES,
            suppressions=(NOSEC,),
            warm=("bandit.cli.main",),  # with its plugins: 0.14 s of a run's 0.2 s
        ),
        Analyser(
            # --isolated: no configuration of the repository's; no --target-version, so
            # syntax of any Python version is read without complaint
            command=("ruff", "check", "--isolated", "--no-cache", "--exit-zero")
            + ("--output-format", "json", "--select", "S", "--", FILES),
            version=("ruff", "--version"),
            # the program itself: `python -m ruff` starts an interpreter only to exec it
            install="pip install ruff (a reviewbot dependency)",
            parse=parse_ruff_security,
            name="ruff",
            rule_ids=r"B[0-9]{3}",  # named as bandit names them
            line_model=LineModel.UNIVERSAL,
            severities=SEVERITIES,
            suppressions=(NOQA, NOSEC),  # nosec: the parser honours old ones (see above)
        ),
    ),
    brief=Brief(
        title="security",
        focus="vulnerabilities an attacker could use: injection (SQL, shell, code, template, "
        "path), unsafe deserialization, missing or broken authentication and authorisation, "
        "secrets in code, weak or misused cryptography, server-side request forgery, unsafe "
        "file handling, information leaks, and trust placed in user-controlled input.",
        categories=(
            "sql-injection",
            "command-injection",
            "code-injection",
            "path-traversal",
            "unsafe-deserialization",
            "hardcoded-secret",
            "weak-crypto",
            "ssrf",
            "xxe",
            "authz",
            "insecure-config",
            "information-leak",
            "prompt-injection",
        ),
    ),
)
