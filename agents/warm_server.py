"""A warm start server for one `python -m <module>` analyser (see `agents.warm`).

    python -m agents.warm_server <module> [<import>...]

Started by `agents.warm` as the analyser itself would be (the same interpreter, flags,
minimal environment and network jail), it imports the `<import>` modules once (the
tool's own, with its plugins: most of a Python tool's start-up; a `module:function` is
then called without arguments, such as the tool's own discovery of its plugins), then
serves runs one at a time. Each request, one JSON line on standard input, is

    {"argv": [...], "cwd": "...", "env": {...}, "stdout": "...", "stderr": "..."}

and is run in a forked child, in a session of its own (so it is killed as a group), in
`cwd`, with exactly `env`, its standard output and error written to the two files (which
the caller made), standard input empty, and `sys.argv` set as `python -m <module>` sets
it: `runpy` runs the module's `__main__` as the interpreter would. The server answers
`{"pid": N}` when the child starts and `{"exit": code}` when it ends (a negative code:
killed by that signal). It leaves when its standard input closes, so it never outlives
the process that started it, and removes its scratch directory (`REVIEWBOT_WARM_SCRATCH`)
as it leaves: a caller killed outright (SIGKILL, SIGTERM: no `atexit`) leaves nothing
behind in the temporary directory.

Standard library only, and nothing of the reviewed repository is imported: the modules
imported are the analyser's declared ones, before any request names a file.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import runpy
import shutil
import sys
import traceback


def main() -> None:
    scratch = os.environ.pop("REVIEWBOT_WARM_SCRATCH", None)
    try:
        _serve(sys.argv[1], sys.argv[2:])
    except BrokenPipeError:  # its caller is gone
        pass
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _serve(module: str, imports: list[str]) -> None:
    for name in imports:
        imported, _, call = name.partition(":")
        loaded = importlib.import_module(imported)
        if call:  # the tool's own set-up, done once for every run (`Analyser.warm`)
            getattr(loaded, call)()
    requests, answers = sys.stdin.buffer, sys.stdout
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(module, request)  # never returns
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


def _child(module: str, request: dict) -> None:
    """Run the tool as `python -m <module>` would, then leave with its exit code."""
    code = 1
    try:
        os.setsid()
        os.chdir(request["cwd"])
        _redirect(os.open(os.devnull, os.O_RDONLY), 0)
        flags = os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW  # files the caller made
        _redirect(os.open(request["stdout"], flags), 1)
        _redirect(os.open(request["stderr"], flags), 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the standard streams, reopened
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [module, *request["argv"]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except BaseException:  # noqa: BLE001 - reported as the interpreter would, then exit 1
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # leaving anyway
                stream.flush()
        os._exit(code)


def _redirect(fd: int, target: int) -> None:
    os.dup2(fd, target)
    os.close(fd)


def _exit_code(code: object) -> int:
    """What the interpreter exits with for `SystemExit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    main()
