import subprocess
import sys

if __name__ == "__main__":
    pattern = sys.argv[1]
    subprocess.call("grep -rn '" + pattern + "' /var/log/app", shell=True)  # VULN
