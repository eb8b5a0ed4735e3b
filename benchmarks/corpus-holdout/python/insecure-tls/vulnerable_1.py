import urllib3

http = urllib3.PoolManager(cert_reqs="CERT_NONE")  # VULN


def ping(url):
    return http.request("GET", url).status
