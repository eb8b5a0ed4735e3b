import shutil

from flask import request


def delete_workspace():
    workspace = int(request.json["workspace"])
    shutil.rmtree(f"/var/lib/app/workspaces/{workspace}")
    return {"deleted": workspace}
