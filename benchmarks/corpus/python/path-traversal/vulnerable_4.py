import shutil

from flask import request


def delete_workspace():
    workspace = request.json["workspace"]
    shutil.rmtree("/var/lib/app/workspaces/" + workspace)  # VULN
    return {"deleted": workspace}
