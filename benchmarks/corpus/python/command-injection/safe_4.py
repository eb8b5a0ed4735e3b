import os


def disk_usage():
    with os.popen("du -sh /var/lib/app") as pipe:
        return pipe.read().split()[0]
