"""Secrets reviewer: detect-secrets over every changed text file.

`--no-verify`: verifying a secret means sending it to its provider; a reviewer must
never do that with somebody else's credentials. The parser reads the lines detect-secrets
flags (`ToolOutput.lines`) to tell a credential from a checksum: pinned revisions in
pre-commit configurations and lock files, Subresource Integrity values and checksums are
hashes, never reported.
"""

from __future__ import annotations

import hashlib
import re

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Agent, Analyser
from agents.files import EVERY_FILE
from agents.parsers import ToolOutput
from agents.yaml_bombs import ExpandsAliases
from review.findings import Finding, Severity
from review.lines import LineModel

# detect-secrets' secret types: the rule ids it reports (a test checks them against the
# installed detect-secrets, whose plugins take 0.8 s to import)
SECRET_TYPES = (
    "AWS Access Key", "Artifactory Credentials", "Azure Storage Account access key",
    "Base64 High Entropy String", "Basic Auth Credentials", "Cloudant Credentials",
    "Discord Bot Token", "GitHub Token", "GitLab Token", "Hex High Entropy String",
    "IBM COS HMAC Credentials", "IBM Cloud IAM Key", "JSON Web Token", "Mailchimp Access Key",
    "NPM tokens", "OpenAI Token", "Private Key", "Public IP (ipv4)", "PyPI Token",
    "Secret Keyword", "SendGrid API Key", "Slack Token", "SoftLayer Credentials",
    "Square OAuth Secret", "Stripe Access Key", "Telegram Bot Token", "Twilio API Key",
)  # fmt: skip

# Detectors that guess from names or entropy, not from a credential's known format:
# worth a look (a warning), not a failed check.
HEURISTIC = frozenset({"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String"})
HIGH_ENTROPY = frozenset({"Base64 High Entropy String", "Hex High Entropy String"})
# Known formats that are not a credential of a provider: a password in a URL (warning,
# as a keyword guess is), a public IP address (a note).
SEVERITIES = {
    **dict.fromkeys(HEURISTIC, Severity.WARNING),
    "Basic Auth Credentials": Severity.WARNING,
    "Public IP (ipv4)": Severity.NOTE,
}

# Hashes are not secrets (issue 13): a high-entropy string that is a digest, where the
# text says so, is never reported. A digest is hex of a hash's length, optionally named
# by its algorithm (`sha256:…`), or a Subresource Integrity value (`sha384-<base64>`,
# https://www.w3.org/TR/SRI/#the-integrity-attribute; Nix's narHash has the same shape).
_SRI = re.compile(r"(?:sha256|sha384|sha512)-[A-Za-z0-9+/]{40,}={0,2}")
_DIGEST = re.compile(r"(?:(?:md5|sha1|sha224|sha256|sha384|sha512|h1):)?[0-9a-fA-F]{32,128}")
# …where the key it is the value of names a hash or a revision (`rev:`, `"integrity":`,
# `sha256 =`, `EXPECTED_SHA256 =`, `narHash`, `checksum`), in any file…
_HASH_WORDS = frozenset(
    ("rev", "revision", "commit", "sha", "md", "hash", "hashes", "checksum", "checksums")
    + ("digest", "integrity", "etag", "shasum", "oid")
)
_KEY = re.compile(r"""([A-Za-z_][\w.-]*)["']?\s*[:=]\s*[\[{(]?\s*["']?\s*$""")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# …or anywhere in a lock file or a pre-commit configuration, which hold nothing else of
# that shape (dependency checksums and pinned revisions).
_PINS = re.compile(
    r"(?i)(^|/)(\.pre-commit-(config|hooks)\.ya?ml|[^/]*(\.lock|[.-]lock\.(json|ya?ml|hcl)"
    r"|\.lockfile|\.sum|\.resolved|shrinkwrap\.json)|requirements[^/]*\.txt)$"
)
# Values that say they are placeholders: AWS's documented example keys end in EXAMPLE
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html), and passwords in
# how-to URLs (`user:pass@host`).
_PLACEHOLDER = re.compile(r"(?i)example|^(pass|password|passwd|pwd|secret|changeme|x+|\*+)$")
# what may surround a value detect-secrets reports: quotes, spaces, brackets, separators
_DELIMITERS = (
    re.compile(r"""[\s"'`,;()\[\]{}<>]+"""),
    re.compile(r"""[\s"'`,;()\[\]{}<>=:@/]+"""),
)


def parse_detect_secrets(output: ToolOutput) -> Analysis:
    """detect-secrets' JSON baseline: a finding per secret, an error when it has a
    provider's known format (a warning when it is a guess), except digests (`is_hash`,
    never reported), a guess on a line where a known format is found too (that finding
    says it), and documented placeholders (notes). Test fixtures, examples and docs are
    graded later (`agents.policy`)."""
    report = output.json()
    analysis = Analysis()
    for reported, secrets in (report.get("results") or {}).items():
        path = output.repo_path(reported)
        if path is None:
            continue
        lines = output.lines(path)  # as the tool numbered them
        known = {s["line_number"] for s in secrets if s["type"] not in HEURISTIC}
        for secret in secrets:
            kind, number = secret["type"], secret["line_number"]
            text = lines[number - 1] if 0 < number <= len(lines) else ""
            value = secret_value(text, secret.get("hashed_secret"))
            if kind in HEURISTIC and number in known:
                continue
            if kind in HIGH_ENTROPY and value is not None and is_hash(path, text, value):
                continue
            severity = output.severities.get(kind, Severity.ERROR)
            placeholder = value is not None and bool(_PLACEHOLDER.search(value))
            analysis.findings.append(
                Finding(
                    agent=output.agent,
                    rule=kind,
                    severity=Severity.NOTE if placeholder else severity,
                    path=path,
                    line=number,
                    message=f"Possible secret committed ({kind}): "
                    + (
                        "it looks like a placeholder; make sure it is one."
                        if placeholder
                        else "rotate it and load it from a secret store instead."
                    ),
                    category="hardcoded-secret",
                )
            )
    return analysis


def secret_value(line: str, hashed: object) -> str | None:
    """The string on `line` detect-secrets reported, found by its `hashed_secret` (the
    SHA-1 of the secret, https://github.com/Yelp/detect-secrets#baseline); None when no
    part of the line has that hash."""
    if not isinstance(hashed, str):
        return None
    for delimiters in _DELIMITERS:
        for part in delimiters.split(line):
            if part and hashlib.sha1(part.encode(), usedforsecurity=False).hexdigest() == hashed:
                return part
    return None


def is_hash(path: str, line: str, value: str) -> bool:
    """Whether `value`, a high-entropy string on `line` of `path`, is a digest the text
    says is one: a Subresource Integrity value anywhere; a digest-shaped value of a key
    naming a hash or revision, or anywhere in a lock file or pre-commit configuration."""
    if _SRI.fullmatch(value):
        return True
    if not _DIGEST.fullmatch(value):
        return False
    if _PINS.search(path):
        return True
    key = _KEY.search(line[: line.find(value)])
    words = {w.lower() for w in _WORD.findall(key.group(1))} if key else set()
    return bool(words & _HASH_WORDS)


AGENT = Agent(
    name="secrets",
    description="detect-secrets on every text file, never verifying a secret",
    files=EVERY_FILE,
    order=30,
    analysers=(
        Analyser(
            # detect-secrets skips lock files by name; they are read here, for credentials
            # (a token in a registry URL), and their checksums dropped (`is_hash`)
            command=(PYTHON, "-m", "detect_secrets", "scan", "--no-verify")
            + ("--disable-filter", "detect_secrets.filters.heuristic.is_lock_file", "--", FILES),
            version=(PYTHON, "-m", "detect_secrets", "--version"),
            rule_ids="|".join(re.escape(name) for name in SECRET_TYPES),
            parse=parse_detect_secrets,
            severities=SEVERITIES,
            name="detect-secrets",
            line_model=LineModel.UNIVERSAL,  # it reads files with universal newlines
            # and YAML files (by these suffixes) through PyYAML, whose lines also end at
            # U+0085, U+2028 and U+2029
            line_models=dict.fromkeys(("*.yaml", "*.yml", "*.eyaml"), LineModel.YAML),
            relative=True,  # it skips files outside its working directory
            # `# pragma: allowlist secret` and `# pragma: allowlist nextline secret`
            suppressions=(r"(?i)pragma\s*:\s*allowlist",),
            # its YAML transformer loads the files named so, expanding aliases (a bomb
            # hangs it); a `.conf` file it reads as lines, with the same keyword patterns
            expands_aliases=ExpandsAliases((".yaml", ".yml", ".eyaml"), as_text=".conf"),
            # its plugins are found (imported, their patterns compiled) once, not per run:
            # the mapping is cached (`lru_cache`), and runs never load custom plugins
            warm=(
                "detect_secrets.main",
                "detect_secrets.core.plugins.util:get_mapping_from_secret_type_to_class",
            ),
        ),
    ),
)
