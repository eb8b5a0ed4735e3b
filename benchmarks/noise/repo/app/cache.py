"""A cache of session objects sent by the browser."""

import pickle

from flask import request


def restore_session() -> object:
    return pickle.loads(request.data)
