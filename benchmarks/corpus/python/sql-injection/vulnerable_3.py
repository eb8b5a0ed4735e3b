from sqlalchemy import text


def delete_sessions(session, user_ids):
    ids = ",".join(str(i) for i in user_ids)
    session.execute(text("DELETE FROM sessions WHERE user_id IN (" + ids + ")"))  # VULN
