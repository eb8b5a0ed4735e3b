from app import auth


def test_login() -> None:
    password = "Tr0ub4dor-and-3-more-words"
    assert auth.login("ann", password)
