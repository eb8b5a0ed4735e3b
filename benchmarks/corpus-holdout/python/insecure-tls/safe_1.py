import urllib3

http = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs="/etc/ssl/internal-ca.pem")


def ping(url):
    return http.request("GET", url).status
