from urllib.parse import urlparse

import httpx
from flask import abort, request

ALLOWED = {"hooks.slack.com", "hooks.example.com"}


def notify_webhook():
    payload = request.get_json()
    target = payload["callback"]
    if urlparse(target).hostname not in ALLOWED:
        abort(400)
    httpx.post("https://hooks.example.com/relay", json={"status": "done", "to": target})
