import ssl
import urllib.request


def fetch(url: str) -> bytes:
    context = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")
    return urllib.request.urlopen(url, context=context).read()
