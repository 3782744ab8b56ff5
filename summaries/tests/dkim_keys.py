"""Throwaway DKIM key pairs for tests, made with openssl, and a DNS lookup that answers with one."""

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KeyPair:
    private_key_file: Path
    public_key: bytes  # base64 DER, as it goes in the p= tag of the DNS record

    def dns_record(self, name: bytes, timeout: float = 5) -> bytes:
        """Stands in for DNS in dkim.verify(dnsfunc=...): the TXT record a domain would publish."""
        return b"v=DKIM1; k=rsa; p=" + self.public_key


def make_key_pair(folder: Path) -> KeyPair:
    private = folder / "dkim-private.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(private), "2048"], check=True, capture_output=True)
    pem = subprocess.run(["openssl", "rsa", "-in", str(private), "-pubout"], check=True, capture_output=True).stdout
    body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
    return KeyPair(private, body)
