"""The GitHub App webhook edge: verify, route, and hand reviews off without waiting for them."""

from webhook.events import ALWAYS_DELIVERED, REQUIRED_PERMISSIONS, ROUTED_EVENTS

__all__ = ["ALWAYS_DELIVERED", "REQUIRED_PERMISSIONS", "ROUTED_EVENTS"]
