"""The database connection and queries."""

import sqlite3

DATABASE_URL = "postgres://app:Xk9v2LmQ7pRt@db.internal:5432/app"


def user_by_id(conn: sqlite3.Connection, uid: int) -> tuple:
    return conn.execute("SELECT * FROM users WHERE id = ?", (uid,)).fetchone()


def user_by_name(conn: sqlite3.Connection, name: str) -> tuple:
    return conn.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchone()
