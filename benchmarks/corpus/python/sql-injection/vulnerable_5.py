import pandas as pd


def monthly_report(engine, month: str) -> pd.DataFrame:
    sql = f"""
        SELECT region, SUM(amount) AS total
        FROM sales
        WHERE month = '{month}'
        GROUP BY region
    """
    return pd.read_sql(sql, engine)  # VULN
