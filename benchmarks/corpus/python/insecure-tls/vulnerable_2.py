import ssl
import urllib.request


def fetch(url: str) -> bytes:
    context = ssl._create_unverified_context()  # VULN
    return urllib.request.urlopen(url, context=context).read()
