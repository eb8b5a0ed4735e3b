"""Settings read at start-up."""

ADMIN_PASSWORD = "Tr0ub4dor-and-3-more-words"
