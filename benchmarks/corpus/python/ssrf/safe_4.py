import requests
from flask import request

SERVICES = {"billing": "http://billing.internal:8080", "auth": "http://auth.internal:8080"}


def service_health():
    base = SERVICES[request.args["service"]]
    return requests.get(base + "/health", timeout=2).json()
