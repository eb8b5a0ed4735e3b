ALLOWED_SORT = {"created": "created_at", "total": "total_cents"}


def list_orders(cursor, customer_id, sort_column):
    query = "SELECT * FROM orders WHERE customer_id = %s ORDER BY " + ALLOWED_SORT[sort_column]
    cursor.execute(query, (customer_id,))
    return cursor.fetchall()
