"""Content hashes for corpora, model artifacts and encoder files."""

import hashlib


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
