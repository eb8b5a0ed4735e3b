import httpx


class BillingClient:
    def __init__(self, base_url: str):
        self.client = httpx.Client(base_url=base_url, verify=False)  # VULN

    def invoices(self):
        return self.client.get("/invoices").json()
