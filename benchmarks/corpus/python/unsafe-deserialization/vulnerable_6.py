import jsonpickle


def from_message(body: str):
    return jsonpickle.decode(body)  # VULN
