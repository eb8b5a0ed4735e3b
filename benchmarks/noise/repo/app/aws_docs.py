"""How the settings page shows an access key."""

PLACEHOLDER_KEY = "AKIAIOSFODNN7EXAMPLE"
