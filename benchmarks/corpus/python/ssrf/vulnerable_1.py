import requests
from flask import Flask, request

app = Flask(__name__)


@app.get("/preview")
def preview():
    url = request.args.get("url")
    resp = requests.get(url, timeout=5)  # VULN
    return resp.text[:500]
