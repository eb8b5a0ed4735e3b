"""What a review costs as the repository grows and as the same code comes back (issue 14).

    python benchmarks/cost_bench.py [--only scale,fetch,rereview,parallel] [--keep DIR]

Prints, side by side:
- scale: the same one-file change reviewed with the CLI (`reviewbot review`, a new process,
  a fresh workspace) in repositories of 10, 10,000 and 100,000 files, with each time's
  ratio to the 10-file one (goal: at most 1.5) and the bytes written to the workspace;
- fetch: the bytes git sent for a one-file pull request, GitHub mode (a partial shallow
  fetch over smart HTTP from a local `git http-backend`), in the 100,000-file repository
  against the 10-file one;
- rereview: a 300-file change reviewed cold, then again (`/review`: the same run folder,
  its agents answered from the findings cache; goal: at most 0.1 of the first), the same
  files in a new commit (a rebase: a new run folder, the cache), and a one-line follow-up
  commit (goal: at most 0.3); and the file names and files (inodes) the cold review left
  in the findings cache (an analyser run's entries are one pack, `agents.cache_packs`);
- parallel: the same 300-file review against the default agents' declared analyser command
  lines run directly (with the configuration a review makes for the files, ast-grep's
  rules of their languages: `Analyser.config_for`), all at once, on the checkout (goal: at
  most 1.5); a `relative` analyser (detect-secrets) from the repository's root with
  relative paths, as the review runs it: given absolute paths outside its working
  directory it scans nothing.

Repositories are built with `git fast-import` under `--keep` (default: a temporary
directory) and reused when kept.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.server
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_change import build_change, git, wide_files

from orchestrator import steps
from orchestrator.local import run_review
from review.request import ReviewConfig, ReviewRequest
from review.workspace import Workspace

CHANGED = "pkg/changed.py"


def build_sized(repo: Path, files: int) -> tuple[str, str]:
    """A repository of `files` files whose last commit changes one of them; (base, head)."""
    if (repo / "built").is_file():
        return git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD")
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    stream = [b"commit refs/heads/main\n", b"committer bench <b@x> 0 +0000\n", b"data 4\nbase\n"]
    for n in range(files - 1):
        body = f"VALUE_{n} = {n}\n".encode()
        stream.append(f"M 644 inline src/d{n // 1000}/m_{n}.py\ndata {len(body)}\n".encode())
        stream.append(body + b"\n")
    body = b"def safe():\n    return 1\n"
    stream.append(f"M 644 inline {CHANGED}\ndata {len(body)}\n".encode() + body + b"\n")
    changed = body + b"\n\ndef unsafe(text):\n    return eval(text)\n"
    stream += [
        b"commit refs/heads/main\n",
        b"committer bench <b@x> 1 +0000\n",
        b"data 7\nchange\n",
        f"M 644 inline {CHANGED}\ndata {len(changed)}\n".encode() + changed + b"\n",
    ]
    git(repo, "fast-import", "--quiet", data=b"".join(stream))
    git(repo, "reset", "-q", "--hard", "main")
    (repo / "built").touch()  # untracked: the change is the last commit alone
    return git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD")


def build_wide(repo: Path, files: int) -> tuple[str, str]:
    """A repository whose last commit adds `files` Python files; (base, head)."""
    if not (repo / ".git").is_dir():
        build_change(repo, wide_files(files))
    return git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD")


def disk_bytes(folder: Path) -> int:
    """Bytes of the files under `folder`, a file with several hard links counted once."""
    sizes = {
        (info.st_dev, info.st_ino): info.st_size
        for info in (p.lstat() for p in folder.rglob("*"))
        if stat.S_ISREG(info.st_mode)
    }
    return sum(sizes.values())


def files_and_inodes(folder: Path) -> tuple[int, int]:
    """How many file names are under `folder`, and how many files (inodes) they name."""
    infos = [p.lstat() for p in folder.rglob("*")]
    files = [(i.st_dev, i.st_ino) for i in infos if stat.S_ISREG(i.st_mode)]
    return len(files), len(set(files))


def cli_review(repo: Path, base: str, head: str, workspace: Path) -> float:
    """Seconds for `reviewbot review` in a new process (imports included)."""
    env = {**os.environ, "REVIEWBOT_WORKSPACE": str(workspace)}
    env.pop("REVIEWBOT_MODEL", None)
    reviewbot = Path(sys.executable).with_name("reviewbot")
    argv = [str(reviewbot), "review", str(repo), "--base", base, "--head", head, "-q"]
    started = time.perf_counter()
    done = subprocess.run(
        [*argv, "--format", "json", "--fail-on", "never"], env=env, capture_output=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"review failed: {done.stderr.decode()[-2000:]}")
    return seconds


def scale(root: Path, tmp: Path) -> None:
    print("== the same one-file change, by repository size (CLI, fresh workspace)")
    first = None
    for files in (10, 10_000, 100_000):
        started = time.perf_counter()
        base, head = build_sized(root / f"sized-{files}", files)
        built = time.perf_counter() - started
        times = []
        for attempt in range(3):
            workspace = tmp / f"ws-scale-{files}-{attempt}"
            times.append(cli_review(root / f"sized-{files}", base, head, workspace))
        seconds = min(times)
        written = disk_bytes(workspace / "runs")
        first = first or seconds
        print(
            f"  {files:>7} files: {seconds:6.2f} s (best of 3; ratio {seconds / first:4.2f}), "
            f"{written / 1024:8.1f} KiB written (repository built in {built:.1f} s)"
        )


class _GitHandler(http.server.BaseHTTPRequestHandler):
    """git's smart HTTP protocol, by running `git http-backend` (as CGI) per request;
    counts the bytes of every response body in `sent`."""

    root = Path()
    sent = [0]  # bytes of response bodies, shared by every request's handler

    def log_message(self, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        self._backend()

    def do_POST(self) -> None:
        self._backend()

    def _backend(self) -> None:
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_COUNT": "2",  # as GitHub: partial clones, commits asked for by id
            "GIT_CONFIG_KEY_0": "uploadpack.allowFilter",
            "GIT_CONFIG_VALUE_0": "true",
            "GIT_CONFIG_KEY_1": "uploadpack.allowReachableSHA1InWant",
            "GIT_CONFIG_VALUE_1": "true",
            "PATH_INFO": path,
            "REQUEST_METHOD": self.command,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "REMOTE_ADDR": "127.0.0.1",
        }
        done = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True)
        head, _, content = done.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name.strip(), value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
        self.sent[0] += len(content)


@contextmanager
def served(repos: Path) -> Iterator[str]:
    """`git http-backend` over `repos` (each `<name>/.git`), as http://127.0.0.1:<port>."""
    handler = type("Handler", (_GitHandler,), {"root": repos})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def fetch(root: Path, tmp: Path) -> None:
    print("== bytes git sends for a one-file pull request (GitHub mode: partial, shallow)")
    with served(root) as url:
        for files in (10, 100_000):
            base, head = build_sized(root / f"sized-{files}", files)
            _GitHandler.sent[0] = 0
            request = ReviewRequest(
                repository=f"bench/sized-{files}",
                source=f"{url}/sized-{files}/.git",
                head=head,
                base=base,
                config=ReviewConfig(agents=("security",)),
            )
            run = Workspace(tmp / f"ws-fetch-{files}").run(request.run_id)
            started = time.perf_counter()
            steps.clone(run, request)
            seconds = time.perf_counter() - started
            written = disk_bytes(run.path) - disk_bytes(run.repo_dir)
            fetched = _GitHandler.sent[0] / 1024
            print(
                f"  {files:>7} files: {fetched:9.1f} KiB fetched in {seconds:.2f} s, "
                f"{disk_bytes(run.repo_dir) / 1024:8.1f} KiB of git objects, "
                f"{written / 1024:.1f} KiB of files and run data"
            )


def rereview(root: Path, tmp: Path) -> None:
    print("== re-reviews of a 300-file change (in-process, agents: the defaults)")
    repo = root / "wide-300-rereview"
    shutil.rmtree(repo, ignore_errors=True)  # the follow-up commits change it
    base, head = build_wide(repo, 300)
    workspace = tmp / "ws-rereview"

    def timed(head_commit: str) -> tuple[float, str]:
        request = ReviewRequest(str(repo), str(repo), head_commit, base)
        started = time.perf_counter()
        report = run_review(request, workspace)
        seconds = time.perf_counter() - started
        hits = sum((s.cache or {}).get("hits", 0) for s in report.agents.values())
        misses = sum((s.cache or {}).get("misses", 0) for s in report.agents.values())
        return seconds, f"{hits} files from the findings cache, {misses} analysed"

    first, _ = timed(head)
    written = disk_bytes(workspace / "runs")
    names, created = files_and_inodes(workspace / "runs" / ".findings-cache")
    run = Workspace(workspace).run(ReviewRequest(str(repo), str(repo), head, base).run_id)
    run.report_file.unlink()  # `/review` again: the same run folder, a new review
    for result in run.findings_dir.iterdir():
        result.unlink()
    again, again_cache = timed(head)
    git(repo, "commit", "-q", "--amend", "--no-edit", "--date=2001-01-01T00:00:00")
    rebased, rebased_cache = timed(git(repo, "rev-parse", "HEAD"))  # same files, new commit
    target = repo / "pkg" / "mod_7.py"
    target.write_text(target.read_text().replace("total = 0", "total = 1"))
    git(repo, "commit", "-qam", "follow-up")
    follow, follow_cache = timed(git(repo, "rev-parse", "HEAD"))
    print(f"  first review:              {first:6.2f} s, {written / 1024:.0f} KiB written")
    print(f"  findings cache after it:   {names} names, {created} files created (inodes)")
    for name, seconds, cache in (
        ("identical re-review", again, again_cache),
        ("same files, new commit", rebased, rebased_cache),
        ("one-line follow-up", follow, follow_cache),
    ):
        print(f"  {name + ':':<26} {seconds:6.2f} s (ratio {seconds / first:4.2f}; {cache})")
    cached = disk_bytes(workspace / "runs" / ".findings-cache")
    print(f"  findings cache size:       {cached / 1024:.0f} KiB")


def parallel(root: Path, tmp: Path) -> None:
    """The review in this process, whose warm start servers (`agents.warm`) are those of
    the sections before it, or started by its first attempt: each attempt is printed."""
    from agents import registry
    from agents.command import command_line

    print("== a 300-file review against its analysers run directly, all at once")
    repo = root / "wide-300"
    base, head = build_wide(repo, 300)
    names = sorted(p.name for p in (repo / "pkg").glob("*.py"))
    paths = [str(repo / "pkg" / name) for name in names]
    relative = [f"./pkg/{name}" for name in names]
    analysers = [
        a
        for name in registry.default_agents(False)
        for a in registry.get_agent(name).analysers
        if registry.get_agent(name).files.concerns("pkg/mod_0.py", lambda: None)
    ]
    empty = tmp / "direct-cwd"
    empty.mkdir(exist_ok=True)

    def direct(analyser) -> float:
        config = None
        if analyser.config_for is not None:  # the configuration a review makes for the files
            config = tmp / "direct-config" / analyser.tool / analyser.config.name
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text(analyser.config_for(paths))
        # as the review runs it: a `relative` tool (detect-secrets) from the files' root,
        # given relative paths; it skips files named outside its working directory
        argv, cwd = (relative, repo) if analyser.relative else (paths, empty)
        started = time.perf_counter()
        done = subprocess.run(command_line(analyser, argv, config), cwd=cwd, capture_output=True)
        seconds = time.perf_counter() - started
        if done.returncode not in analyser.ok_codes:
            raise SystemExit(f"{analyser.tool} failed: {done.stderr.decode()[-500:]}")
        return seconds

    direct_runs = []
    for _ in range(3):
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(len(analysers)) as pool:
            each = list(pool.map(direct, analysers))
        direct_runs.append((time.perf_counter() - started, each))
    wall, each = min(direct_runs)
    reviews = []
    for attempt in range(3):
        request = ReviewRequest(str(repo), str(repo), head, base)
        started = time.perf_counter()
        run_review(request, tmp / f"ws-parallel-{attempt}")
        reviews.append(time.perf_counter() - started)
    review = min(reviews)
    names = ", ".join(f"{a.tool} {s:.2f} s" for a, s in zip(analysers, each, strict=True))
    print(f"  analysers directly, in parallel: {wall:6.2f} s ({names})")
    ratio = review / wall
    print(f"  reviewbot review (in-process):   {review:6.2f} s (best of 3; ratio {ratio:4.2f})")
    runs = ", ".join(f"{seconds:.2f} s" for seconds in reviews)
    print(f"    each attempt: {runs} (python -m tools start warm once this process ran them)")


SECTIONS = {"scale": scale, "fetch": fetch, "rereview": rereview, "parallel": parallel}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--keep", type=Path, help="build the repositories here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        root = (args.keep or Path(scratch) / "repos").resolve()
        root.mkdir(parents=True, exist_ok=True)
        for name in args.only.split(","):
            SECTIONS[name.strip()](root, Path(scratch))


if __name__ == "__main__":
    main()
