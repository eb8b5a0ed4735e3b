"""Calls to the partner API."""

import requests


def fetch_status(url: str) -> dict:
    return requests.get(url, verify=False, timeout=5).json()


def fetch_report(url: str) -> dict:
    return requests.get(url).json()
