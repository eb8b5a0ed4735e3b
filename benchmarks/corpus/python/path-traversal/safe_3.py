import os

from flask import request
from werkzeug.utils import secure_filename


def save_avatar():
    upload = request.files["avatar"]
    target = os.path.join("/srv/avatars", secure_filename(upload.filename))
    upload.save(target)
    return open(target, "rb").read()
