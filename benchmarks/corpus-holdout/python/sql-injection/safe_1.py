import psycopg2
from psycopg2 import sql


def count_events(dsn, table, day):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        query = sql.SQL("SELECT count(*) FROM {} WHERE day = %s").format(sql.Identifier(table))
        cur.execute(query, (day,))
        return cur.fetchone()[0]
