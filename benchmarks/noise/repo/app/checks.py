"""Permission checks."""


def require_admin(user) -> None:
    assert user.is_admin, "admins only"
