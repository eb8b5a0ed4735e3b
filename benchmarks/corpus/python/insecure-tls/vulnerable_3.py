import socket
import ssl


def connect(host: str, port: int) -> ssl.SSLSocket:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # VULN
    return ctx.wrap_socket(socket.create_connection((host, port)), server_hostname=host)
