import httpx


class BillingClient:
    def __init__(self, base_url: str, ca_bundle: str):
        self.client = httpx.Client(base_url=base_url, verify=ca_bundle)

    def invoices(self):
        return self.client.get("/invoices").json()
