import subprocess


def convert(src, dst, quality):
    cmd = "convert %s -quality %d %s" % (src, quality, dst)
    return subprocess.check_output(cmd, shell=True)  # VULN
