def list_orders(cursor, customer_id, sort_column):
    query = "SELECT * FROM orders WHERE customer_id = %s ORDER BY %s" % (customer_id, sort_column)
    cursor.execute(query)  # VULN
    return cursor.fetchall()
