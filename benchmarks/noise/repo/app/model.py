"""Loading model weights."""

import torch


def load_weights(path: str) -> dict:
    return torch.load(path)


def load_checkpoint(path: str) -> dict:
    return torch.load(path, weights_only=False)
