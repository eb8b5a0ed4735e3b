import yaml


def parse_manifest(text: str) -> dict:
    return yaml.safe_load(text)
