import shlex
import subprocess


def convert(src, dst, quality):
    cmd = "convert {} -quality {} {}".format(shlex.quote(src), int(quality), shlex.quote(dst))
    return subprocess.check_output(shlex.split(cmd))
