async def rename_table(conn, tenant: str) -> None:
    stmt = "ALTER TABLE events RENAME TO events_"
    stmt += tenant
    await conn.execute(stmt)  # VULN
