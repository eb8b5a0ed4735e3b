import psycopg2


def count_events(dsn, table, day):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM {} WHERE day = '{}'".format(table, day))  # VULN
        return cur.fetchone()[0]
