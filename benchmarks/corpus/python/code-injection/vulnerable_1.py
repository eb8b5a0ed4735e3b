from flask import Flask, request

app = Flask(__name__)


@app.post("/calc")
def calc():
    expression = request.form["expression"]
    return {"result": eval(expression)}  # VULN
