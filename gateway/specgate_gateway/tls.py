"""A throwaway certificate authority and server certificate for the demo and the tests.

    python -m specgate_gateway.tls OUT_DIR [--host localhost --host 127.0.0.1]

writes OUT_DIR/ca.pem (trust this in the client), OUT_DIR/cert.pem (server certificate,
then the CA: the chain gunicorn sends) and OUT_DIR/key.pem (the server's key, mode 0600).

A CA plus a leaf, rather than one self-signed leaf: clients then verify the chain and the
host name the ordinary way (requests' verify=ca.pem, curl --cacert), exactly as they will
with the hospital's real certificate, whose files replace these through GATEWAY_CERTFILE and
GATEWAY_KEYFILE. EC P-256 keys: quick to generate, which keeps test start-up short.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import os
import sys
from pathlib import Path
from typing import Iterable, List, NamedTuple, Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


class TlsFiles(NamedTuple):
    ca: Path
    cert: Path
    key: Path


def generate(directory: Path, hosts: Iterable[str] = ("localhost", "127.0.0.1", "::1"),
             days: int = 30) -> TlsFiles:
    """Writes ca.pem, cert.pem and key.pem into directory (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_before = now - datetime.timedelta(minutes=5)
    not_after = now + datetime.timedelta(days=days)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "specgate gateway demo CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    names: List[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hospital gateway")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    files = TlsFiles(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    pem = serialization.Encoding.PEM
    files.ca.write_bytes(ca_cert.public_bytes(pem))
    files.cert.write_bytes(cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    key_bytes = key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    descriptor = os.open(files.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_bytes)
    return files


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Write a demo CA, certificate and key.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--host", action="append", dest="hosts",
                        help="a DNS name or IP address for the certificate (repeatable)")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    files = generate(args.directory, args.hosts or ("localhost", "127.0.0.1", "::1"), args.days)
    print(f"CA {files.ca}\ncertificate {files.cert}\nkey {files.key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
