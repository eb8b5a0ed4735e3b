import requests
from flask import request


def service_health():
    host = request.args["host"]
    return requests.get(f"http://{host}:8080/health", timeout=2).json()  # VULN
