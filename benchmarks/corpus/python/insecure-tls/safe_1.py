import requests


def get_status(base_url: str) -> dict:
    return requests.get(f"{base_url}/status", verify="/etc/ssl/internal-ca.pem", timeout=5).json()
