from sqlalchemy import bindparam, text


def delete_sessions(session, user_ids):
    stmt = text("DELETE FROM sessions WHERE user_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    session.execute(stmt, {"ids": list(user_ids)})
