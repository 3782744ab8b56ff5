"""Keeping addresses out of logs: a mail server's reply often quotes the recipient."""

import re

EMAIL_ADDRESS = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;:@]+")


def redact_addresses(text: str) -> str:
    return EMAIL_ADDRESS.sub("<address>", text)
