import json


def load_plugin(blob: bytes):
    spec = json.loads(blob)
    return spec["name"], spec["version"]
