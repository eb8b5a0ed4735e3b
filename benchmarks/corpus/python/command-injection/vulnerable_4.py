import os


def disk_usage(path):
    with os.popen("du -sh '{}'".format(path)) as pipe:  # VULN
        return pipe.read().split()[0]
