import os

from flask import request


def save_avatar():
    upload = request.files["avatar"]
    target = os.path.join("/srv/avatars", upload.filename)
    upload.save(target)
    return open(target, "rb").read()  # VULN
