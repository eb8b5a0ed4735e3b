import jsonpickle


def to_message(obj) -> str:
    return jsonpickle.encode(obj, unpicklable=False)
