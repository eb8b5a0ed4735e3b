"""What a tool is given and how its numbers are read, whatever the tool:

- a changed file's path that a tool could print ambiguously (a newline, tab or CR in a
  name, `#`/`?`/`%` that a URI reads otherwise, a leading dash, letters beyond ASCII) is
  never given to it: its copy gets a generated name keeping its suffix, and the names the
  tool prints are mapped back, so findings stay on their file, in text, JSON or SARIF;
- an analyser that reads several kinds of file numbers each kind's lines its own way
  (`Analyser.line_models`): each file's findings are mapped onto git's lines by the model
  of the file the tool read.
"""

from __future__ import annotations

import json
from pathlib import Path

from test_agents_process import tool_notes, work_on

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Analyser
from agents.parsers import ToolOutput, sarif
from agents.process import run_analyser
from agents.scratch import copy_names
from review.findings import Finding, Severity
from review.lines import LineModel

ODD = [
    "a\nb.Dockerfile",
    "dir\tx/Dockerfile",
    "dir\tx/main.tf",
    "x\ry.js",
    "h#q?.js",
    "100%41.js",
    "-lead.sh",
    "caf\u00e9 menu.py",
    ".github/workflows/ci\n.yml",
]
PLAIN = ["ab.Dockerfile", "xy.js", "h", ".github/workflows/ci.yml", "renamed-0.js", "dir/a.tf"]

# A tool that reports line 3 of every file it is given, naming each file as hadolint
# and zizmor do in SARIF (the path as it is, not percent-encoded) or as a file:// URI.
SARIF_PROBE = """
import json, sys
results = [
    {"ruleId": "R1", "level": "warning", "message": {"text": "line 3"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                         "region": {"startLine": 3}}}]}
    for n, path in enumerate(sys.argv[1:])
    for uri in [path if n % 2 else "file://" + path]
]
print(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "p"}},
                                                 "results": results}]}))
"""


def test_odd_paths_get_safe_names_keeping_suffix_and_directory() -> None:
    names = copy_names([*ODD, *PLAIN])
    assert set(names) == set(ODD)  # the plain paths keep theirs
    for path, name in names.items():
        assert name.isascii() and all(c.isalnum() or c in "/.-_" for c in name), name
        assert Path(name).suffix == Path(path).suffix  # the tool's parser is chosen by it
        assert not name.startswith("-") and "/-" not in name
    assert len(set(names.values()) | set(PLAIN)) == len(ODD) + len(PLAIN)  # all distinct
    # files beside each other stay so (a Terraform module), named parts stay named
    assert Path(names["dir\tx/Dockerfile"]).parent == Path(names["dir\tx/main.tf"]).parent
    assert Path(names["dir\tx/main.tf"]).name == "main.tf"
    assert names[".github/workflows/ci\n.yml"].startswith(".github/workflows/")


def test_a_name_read_as_text_is_also_safe() -> None:
    names = copy_names(["bomb\n.yaml", "bomb.yaml"], {"bomb\n.yaml": ".conf"})
    assert names == {"bomb\n.yaml": "renamed-0.yaml.conf"}


def test_findings_stay_on_files_with_odd_names(tmp_path: Path) -> None:
    files = dict.fromkeys([*ODD, *PLAIN[:3]], "one\ntwo\nthree\n")
    work = work_on(tmp_path, files)
    tool = Analyser(command=(PYTHON, "-c", SARIF_PROBE, FILES), parse=sarif, name="probe")
    analysis = run_analyser("probe", tool, work)
    assert sorted((f.path, f.line) for f in analysis.findings) == sorted(
        (path, 3) for path in files
    )
    assert tool_notes(analysis) == []  # nothing left out, nothing unanalysed


def test_each_kind_of_file_is_numbered_by_its_own_model(tmp_path: Path) -> None:
    """A tool reads `.yaml` as YAML (a line also ends at U+2028), `.tf` with universal
    newlines (a lone CR) and the rest as git does; it reports, per file, the line holding
    "target" in its own numbering."""
    lister = (
        "import json, re, sys\n"
        "out = {}\n"
        "for p in sys.argv[1:]:\n"
        "    data = open(p, 'rb').read()\n"
        "    breaks = {'.yaml': rb'\\r\\n|\\r|\\n|\\xe2\\x80\\xa8', '.tf': rb'\\r\\n|\\r|\\n'}\n"
        "    lines = re.split(breaks.get(p[p.rfind('.'):], rb'\\n'), data)\n"
        "    out[p] = [n for n, l in enumerate(lines, 1) if b'target' in l][0]\n"
        "print(json.dumps(out))\n"
    )

    def parse(output: ToolOutput) -> Analysis:
        found = [
            Finding(output.agent, "T", Severity.NOTE, output.repo_path(p) or "?", line, "t")
            for p, line in output.json().items()
        ]
        return Analysis(findings=found)

    text = 'name: "a\u2028b"\r# c\nx = 1\ntarget\n'  # git: target on line 3
    files = {"pod.yaml": text, "main.tf": text, "notes.txt": text, "odd\n.yaml": text}
    tool = Analyser(
        command=(PYTHON, "-c", lister, FILES),
        parse=parse,
        line_models={"*.yaml": LineModel.YAML, "*.tf": LineModel.UNIVERSAL},
    )
    analysis = run_analyser("probe", tool, work_on(tmp_path, files))
    # the tool said 5, 4, 3 and 5; each is git's line 3 (the odd name's copy is a .yaml)
    assert sorted((f.path, f.line) for f in analysis.findings) == sorted(
        (path, 3) for path in files
    )


def test_a_tool_reads_no_path_it_could_print_ambiguously(tmp_path: Path) -> None:
    echo = "import json, sys; print(json.dumps(sys.argv[1:]))"
    work = work_on(tmp_path, dict.fromkeys(ODD, "x\n"))
    tool = Analyser(command=(PYTHON, "-c", echo, FILES), parse=lambda o: Analysis([], [o.text]))
    (argv,) = tool_notes(run_analyser("probe", tool, work))
    for arg in json.loads(argv):
        assert arg.isascii() and not any(c in arg for c in "\n\t\r#?% "), arg
