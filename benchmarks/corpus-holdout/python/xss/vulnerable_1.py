from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/unsubscribe")
def unsubscribe():
    email = request.args.get("email", "")
    body = "<p>" + email + " has been unsubscribed.</p>"
    return make_response(body)  # VULN
