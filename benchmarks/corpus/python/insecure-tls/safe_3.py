import socket
import ssl


def connect(host: str, port: int) -> ssl.SSLSocket:
    ctx = ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx.wrap_socket(socket.create_connection((host, port)), server_hostname=host)
