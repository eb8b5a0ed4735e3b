import tomllib


def load_settings(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)
