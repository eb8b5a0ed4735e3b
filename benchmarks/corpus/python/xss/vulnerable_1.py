from flask import Flask, request

app = Flask(__name__)


@app.get("/search")
def search():
    q = request.args.get("q", "")
    return f"<h2>Results for {q}</h2><ul></ul>"  # VULN
