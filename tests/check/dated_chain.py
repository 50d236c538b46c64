"""A served chain whose intermediate CA has dates of the test's choosing (trustme gives its CAs fixed dates).

``issue_chain(ca, domain, intermediate=(not_before, not_after), leaf=(not_before, not_after))`` signs an
intermediate CA with the test CA's key and a leaf for ``domain`` with the intermediate's, and returns the leaf as
a ``trustme.LeafCert`` that serves the intermediate beside it, as a CDN serves its chain.
"""

from __future__ import annotations

import datetime

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Dates = tuple[datetime.datetime, datetime.datetime]
INTERMEDIATE_NAME = "Test Intermediate CA"


def issue_chain(ca: trustme.CA, domain: str, *, intermediate: Dates, leaf: Dates,
                intermediate_name: str = INTERMEDIATE_NAME) -> trustme.LeafCert:
    root_key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), password=None)
    root = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (_builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, intermediate_name)]), root.subject,
                        ca_key.public_key(), intermediate)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False, decipher_only=False),
                              critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()),  # type: ignore[arg-type]
                              critical=False)
               .sign(root_key, hashes.SHA256()))  # type: ignore[arg-type]
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = (_builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)]), ca_cert.subject,
                          leaf_key.public_key(), leaf)
                 .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                 .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
                 .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                 .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                critical=False)
                 .sign(ca_key, hashes.SHA256()))
    key_pem = leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    return trustme.LeafCert(key_pem, leaf_cert.public_bytes(serialization.Encoding.PEM),
                            [ca_cert.public_bytes(serialization.Encoding.PEM)])


def _builder(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey,
             dates: Dates) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key)
            .serial_number(x509.random_serial_number()).not_valid_before(dates[0]).not_valid_after(dates[1])
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False))
