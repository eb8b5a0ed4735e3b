import pandas as pd


def load_upload(upload_path: str) -> pd.DataFrame:
    return pd.read_pickle(upload_path)  # VULN
