"""What every app's HTTP responses promise: security headers and the status code of each error."""

from __future__ import annotations

from .errors import (
    CredentialError,
    DIDResolutionError,
    FetchError,
    InputError,
    MicrocredError,
    PayloadTooLarge,
    QRError,
)

# No inline script or style anywhere, so the policy can forbid them (SECURITY-CASES I01, I05, I13).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Share links and offers carry bearer secrets in their paths: never leak them in Referer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
# Sent only over https, where it means something.
HSTS = "max-age=31536000; includeSubDomains"


def status_for(error: MicrocredError) -> int:
    """The HTTP status an app answers for a core error: always a 4xx or a 502/503, never 500."""
    if isinstance(error, PayloadTooLarge):
        return 413
    if isinstance(error, DIDResolutionError | FetchError):
        return 502  # an upstream (issuer, verifier, registry) did not answer usefully
    if isinstance(error, InputError | QRError | CredentialError):
        return 400
    return 422  # well-formed but unacceptable: a bad proof, key, status or binding
