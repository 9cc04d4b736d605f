"""A self-signed TLS certificate for the local demo, so a phone's camera page gets a secure context.

Browsers only open the camera on https pages (or on localhost). `microcred demo --https` serves
the three apps with one certificate naming this machine's network address; the apps trust it
for their calls to each other through a CA file, never by switching verification off.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import secret_file

# Browsers refuse server certificates valid for longer than 398 days.
LIFETIME = dt.timedelta(days=397)
# Made again this long before it expires, so a running demo never meets an expired one.
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class CertificateFiles:
    """Where the demo's certificate and key lie, and the certificate's SHA-256 fingerprint."""

    cert: Path
    key: Path
    fingerprint: str


def demo_host_name() -> str:
    """The name phones on the local network may know this machine by (mDNS `<hostname>.local`)."""
    name = socket.gethostname().lower()
    return name if "." in name else f"{name}.local"


def network_address() -> str | None:
    """This machine's address on its local network, or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # Connecting a UDP socket sends nothing; it only picks the outgoing interface.
            probe.connect(("192.0.2.1", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if ipaddress.ip_address(address).is_loopback else address


def _san(hosts: Sequence[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _fits(cert: x509.Certificate, hosts: Sequence[str], now: dt.datetime) -> bool:
    """Whether a certificate names exactly these hosts and stays valid for a while."""
    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return False
    return (
        set(extension.value) == set(_san(hosts)) and cert.not_valid_after_utc - RENEW_BEFORE > now
    )


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def demo_certificate(folder: Path, hosts: Sequence[str]) -> CertificateFiles:
    """The demo's certificate for `hosts`: kept in `folder`, made again when hosts change."""
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "demo-cert.pem", folder / "demo-key.pem"
    now = dt.datetime.now(dt.UTC)
    if cert_path.exists() and key_path.exists():
        existing = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if _fits(existing, hosts, now):
            return CertificateFiles(cert_path, key_path, _fingerprint(existing))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "microcred demo")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + LIFETIME)
        .add_extension(x509.SubjectAlternativeName(_san(hosts)), critical=False)
        # Its own trust anchor: the apps load it as their CA file for calls to each other.
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Mode 600 from the start, whatever mode a key file left by an older run had.
    secret_file.replace(key_path, pem_key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return CertificateFiles(cert_path, key_path, _fingerprint(cert))
