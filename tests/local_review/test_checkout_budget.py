"""What a review writes into the workspace is bounded before anything is written: a
"checkout bomb" (many paths sharing one huge blob) costs notes, not gigabytes."""

from __future__ import annotations

import os
from pathlib import Path

EVAL = "import os\nx = eval(input())\n"


def written_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def test_a_checkout_bomb_is_refused_without_writing_it(make_repo, review_repo) -> None:
    huge = "# " + "x" * 2_000_000 + "\n"  # one 2 MB blob under forty names
    bomb = {f"bomb/copy_{n}.py": huge for n in range(40)}
    repo = make_repo([{"README.md": "hi\n"}, {**bomb, "app.py": EVAL}])
    done = review_repo(repo)
    assert done.at("app.py") == [("B307", 2), ("F401", 1)]  # the rest of the review ran
    refused = [n for n in done.report.notes if "over the 1000000-byte limit" in n]
    assert len(refused) == 40
    assert sorted(os.listdir(done.run.src)) == ["app.py"]
    assert written_bytes(done.run.path) - written_bytes(done.run.repo_dir) < 200_000


def test_the_checkout_budget_stops_writing_and_says_what_was_left_out(
    make_repo, review_repo
) -> None:
    block = "".join(f'VALUE_{n} = "{n:0>20}"\n' for n in range(10_000))  # about 350 KB
    data = {f"data/part_{n:02}.py": f"# part {n}\n{block}" for n in range(12)}
    repo = make_repo([{"README.md": "hi\n"}, {**data, "app.py": EVAL}])
    done = review_repo(repo, max_checkout_bytes=1_000_000)
    assert done.at("app.py") == [("B307", 2), ("F401", 1)]
    left_out = [n for n in done.report.notes if "over the checkout budget" in n]
    written = sorted(p.name for p in (done.run.src / "data").iterdir())
    assert len(written) + len(left_out) == 12 and 2 <= len(written) <= 3
    assert written_bytes(done.run.src) <= 1_000_000
