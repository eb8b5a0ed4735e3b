"""Checksums of the assets the app downloads, and the key that signs its webhooks."""

EXPECTED_SHA256 = "c8e3592472072e6e22e0a54d5904d9febf8508f65fb8552499a1abc7d1078c3a"
RELEASE_REV = "b06025f1533a1e07b6db3e75151caa155d1c7eb3"
WEBHOOK_SECRET = "9f2c4e8a1b7d3f6e0a5c2b8d4f1e7a3c6b0d9e2f5a8c1b4d7e0f3a6c9b2e5d8f1"
