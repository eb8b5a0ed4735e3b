import requests
from flask import Flask, request

app = Flask(__name__)


@app.get("/preview")
def preview():
    article_id = request.args.get("id")
    resp = requests.get(f"https://cms.example.com/articles/{article_id}", timeout=5)
    return resp.text[:500]
