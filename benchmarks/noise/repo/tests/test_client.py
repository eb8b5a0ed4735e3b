import pickle

import requests

from app import models


def test_status_against_the_local_server(local_server) -> None:
    assert requests.get(local_server.url, verify=False, timeout=5).ok


def test_report_against_the_local_server(local_server) -> None:
    assert requests.get(local_server.url).ok


def test_a_model_survives_pickling() -> None:
    user = models.User(name="ann")
    assert pickle.loads(pickle.dumps(user)) == user
