import ast

from flask import Flask, request

app = Flask(__name__)


@app.post("/calc")
def calc():
    expression = request.form["expression"]
    return {"result": ast.literal_eval(expression)}
