import pandas as pd
from sqlalchemy import text


def monthly_report(engine, month: str) -> pd.DataFrame:
    sql = text(
        """
        SELECT region, SUM(amount) AS total
        FROM sales
        WHERE month = :month
        GROUP BY region
        """
    )
    return pd.read_sql(sql, engine, params={"month": month})
