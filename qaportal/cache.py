"""Django's Redis cache, for which Redis being down is a cache miss, not an error page.

Nothing the app keeps in the cache is the only copy: charts are drawn again, and counters (sign-in
and public feedback rate limits, used two-factor codes) start from nothing. So while Redis is down,
people can still sign in, fill in forms and save them; the price is that those limits are not counted,
and a two-factor code could be used twice within its 30 seconds, until Redis is back (each failure is
logged). Timeouts are short, so a Redis that has stopped
answering costs a request a second, not Django's default of waiting."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT = 1.0  # seconds, to connect and for an answer


def _or(fallback: Callable[..., Any]):
    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                logger.warning("The cache (Redis) cannot be reached, carrying on without it: %s", exc)
                return fallback(*args, **kwargs)

        return call

    return decorate


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT, "retry": Retry(NoBackoff(), 0)}
        super().__init__(server, {**params, "OPTIONS": {**options, **params.get("OPTIONS", {})}})

    get = _or(lambda key, default=None, version=None: default)(DjangoRedisCache.get)
    get_many = _or(lambda keys, version=None: {})(DjangoRedisCache.get_many)
    has_key = _or(lambda key, version=None: False)(DjangoRedisCache.has_key)
    set = _or(lambda *args, **kwargs: None)(DjangoRedisCache.set)
    set_many = _or(lambda data, *args, **kwargs: list(data))(DjangoRedisCache.set_many)
    # As if the key was new: a lock is taken, a two-factor code counts as not used before.
    add = _or(lambda *args, **kwargs: True)(DjangoRedisCache.add)
    touch = _or(lambda *args, **kwargs: False)(DjangoRedisCache.touch)
    delete = _or(lambda *args, **kwargs: False)(DjangoRedisCache.delete)
    delete_many = _or(lambda *args, **kwargs: None)(DjangoRedisCache.delete_many)
    # Counted as the first: a rate limit does not refuse anyone while it cannot count.
    incr = _or(lambda key, delta=1, version=None: delta)(DjangoRedisCache.incr)
    clear = _or(lambda: None)(DjangoRedisCache.clear)
