"""Reading the app's YAML configuration."""

import yaml


def load_safely(stream) -> dict:
    return yaml.load(stream, Loader=yaml.SafeLoader)


def load_unsafely(stream) -> dict:
    return yaml.load(stream)  # noqa: S506 - a suppression the change adds: not obeyed
