"""Per-address request limits for the work anyone can ask of the verifier (SECURITY-CASES I11).

Verifying (scan form and VC-API) costs signatures, canonicalization and possibly fetches;
decoding a camera frame costs image work. Each gets a sliding one-minute window per client
address, per process. An HR system presenting the configured API token is not limited.
"""

from __future__ import annotations

import math

from flask import Flask, current_app, request
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from microcred.rate_limit import RateLimit

WINDOW = 60.0
# Config key of each limit, in requests per address per minute.
LIMITS = {"frame": "FRAME_REQUESTS_PER_MINUTE", "verify": "VERIFY_REQUESTS_PER_MINUTE"}
# What a client over its limit is told (pages say it in the visitor's language: handlers).
MESSAGE = "Too many requests from your address. Wait a minute and try again."


def init_app(app: Flask) -> None:
    """Create this process's limiters from the configuration; trust the configured proxies."""
    app.extensions["verifier.limits"] = {
        name: RateLimit(int(app.config[key]), WINDOW) for name, key in LIMITS.items()
    }
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:
        # Behind a reverse proxy every request comes from the proxy: the per-address limits
        # would then be one limit for everybody. Trust exactly this many X-Forwarded-For hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def limit(name: str, *, exempt: bool = False) -> None:
    """Count one request of this kind from the client's address; 429 once over the limit."""
    if exempt:
        return
    limiter: RateLimit = current_app.extensions["verifier.limits"][name]
    address = request.remote_addr or "-"
    wait = limiter.retry_after(address)
    if wait > 0:
        raise TooManyRequests(MESSAGE, retry_after=math.ceil(wait))
    limiter.hit(address)
