from flask import Flask, render_template, request

app = Flask(__name__)


@app.get("/unsubscribe")
def unsubscribe():
    email = request.args.get("email", "")
    return render_template("unsubscribed.html", email=email)
