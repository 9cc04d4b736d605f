"""microcred core: keys, DIDs, credential formats, status lists, trust, one verification pipeline.

The apps use the modules directly; this package lists the few names most callers need.
"""

from .did import DIDResolver
from .errors import MicrocredError
from .fetch import Fetcher, FetchPolicy
from .keys import PrivateKey, PublicKey
from .report import Check, Report
from .status_cache import StatusListCache
from .trust import TrustRegistry
from .verify import Policy, Verifier

__all__ = [
    "Check",
    "DIDResolver",
    "FetchPolicy",
    "Fetcher",
    "MicrocredError",
    "Policy",
    "PrivateKey",
    "PublicKey",
    "Report",
    "StatusListCache",
    "TrustRegistry",
    "Verifier",
]
