import httpx
from flask import request


def notify_webhook():
    payload = request.get_json()
    target = payload["callback"]
    httpx.post(target, json={"status": "done"})  # VULN
