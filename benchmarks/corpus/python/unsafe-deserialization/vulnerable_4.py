import pickle

import redis

cache = redis.Redis()


def get_cached(key):
    raw = cache.get(key)
    if raw is None:
        return None
    return pickle.loads(raw)  # VULN
