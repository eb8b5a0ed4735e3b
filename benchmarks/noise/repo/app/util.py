"""Small helpers."""

import json


def is_missing(value) -> bool:
    return value == None


def total(values) -> int:
    return sum(values) + offset
