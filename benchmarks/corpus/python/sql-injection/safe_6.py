async def archive_events(conn, tenant_id: int) -> None:
    stmt = "UPDATE events SET archived = true WHERE tenant_id = $1"
    await conn.execute(stmt, tenant_id)
