import base64
import pickle

from flask import Flask, request

app = Flask(__name__)


@app.post("/restore")
def restore():
    state = pickle.loads(base64.b64decode(request.cookies["state"]))  # VULN
    return {"items": len(state)}
