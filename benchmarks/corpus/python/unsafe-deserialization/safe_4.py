import json
import pickle

import redis

cache = redis.Redis()


def put_cached(key, value):
    cache.set(key, pickle.dumps(json.dumps(value)))
