"""What a log line may say about a submission: ids, never the person's data."""

import re

# Good enough to catch an address quoted in a mail server's answer; not a validator.
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def mask_addresses(text: str) -> str:
    return _ADDRESS.sub("<address>", text)
