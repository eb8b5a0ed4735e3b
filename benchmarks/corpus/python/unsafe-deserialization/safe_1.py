import base64
import json

from flask import Flask, request

app = Flask(__name__)


@app.post("/restore")
def restore():
    state = json.loads(base64.b64decode(request.cookies["state"]))
    return {"items": len(state)}
