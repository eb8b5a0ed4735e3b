"""A calculator endpoint."""

from flask import request


def two() -> int:
    return eval("1 + 1")


def compute() -> int:
    return eval(request.args["expr"])
