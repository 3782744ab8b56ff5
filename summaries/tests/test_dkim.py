"""DKIM: the signature made at send time holds for the public key, and breaks when a header changes."""

import dkim
import pytest
from django.core.exceptions import ImproperlyConfigured

from core.dkim_key import dkim_private_key
from summaries.services.confirmation import build_confirmation_email
from summaries.services.emailing import build_summary_email
from summaries.tests.dkim_keys import make_key_pair
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory):
    return make_key_pair(tmp_path_factory.mktemp("dkim"))


@pytest.fixture
def signing(settings, key_pair):
    settings.DKIM_DOMAIN = "example.com"
    settings.DKIM_SELECTOR = "aboutme"
    settings.DKIM_PRIVATE_KEY = key_pair.private_key_file.read_bytes()
    return key_pair


def _raw(kind: str) -> bytes:
    if kind == "summary":
        email = build_summary_email(make_submission(), pdf=b"%PDF-1.7 fake")
    else:
        email = build_confirmation_email(make_submission(confirmation_token="c0nf1rm"))
    return email.message().as_bytes(linesep="\r\n")


@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_a_signed_email_verifies_against_the_public_key(signing, kind):
    raw = _raw(kind)
    assert dkim.verify(raw, dnsfunc=signing.dns_record)
    signature = dkim.DKIM(raw)
    signature.verify(dnsfunc=signing.dns_record)
    signed = set(signature.include_headers)
    assert {b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe", b"list-unsubscribe-post"} <= signed


@pytest.mark.parametrize(
    "header, forged",
    [
        (b"Subject: ", b"Subject: You won a prize\r\n"),
        (b"List-Unsubscribe: ", b"List-Unsubscribe: <https://evil.example/>\r\n"),
        (b"To: ", b"To: someone-else@example.com\r\n"),
    ],
)
def test_the_signature_fails_once_a_signed_header_is_altered(signing, header, forged):
    raw = _raw("summary")
    start = raw.index(b"\r\n" + header) + 2
    end = raw.index(b"\r\n", start) + 2
    while raw[end : end + 1] in (b" ", b"\t"):  # a folded header goes on on the next line
        end = raw.index(b"\r\n", end) + 2
    altered = raw[:start] + forged + raw[end:]
    assert altered != raw
    assert not dkim.verify(altered, dnsfunc=signing.dns_record)


def test_the_signature_fails_once_the_body_is_altered(signing):
    raw = _raw("confirmation")
    assert not dkim.verify(raw.replace(b"Hello,", b"Hello again,"), dnsfunc=signing.dns_record)


def test_without_dkim_settings_nothing_is_signed(settings):
    settings.DKIM_PRIVATE_KEY = None
    assert b"DKIM-Signature" not in _raw("summary")


def test_with_no_dkim_setting_there_is_no_key():
    assert dkim_private_key(domain="", selector="", key_file="") is None


def test_a_key_file_that_cannot_be_read_stops_start_up_naming_it(tmp_path):
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(ImproperlyConfigured, match=f"DKIM_PRIVATE_KEY_FILE {missing} cannot be read"):
        dkim_private_key(domain="example.com", selector="s1", key_file=str(missing))


def test_a_key_file_that_is_not_a_key_stops_start_up(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN RSA PRIVATE KEY-----\nnot base64 at all!\n-----END RSA PRIVATE KEY-----\n")
    with pytest.raises(ImproperlyConfigured, match="is not an RSA private key"):
        dkim_private_key(domain="example.com", selector="s1", key_file=str(junk))


def test_half_a_dkim_configuration_stops_start_up_naming_what_is_missing(key_pair):
    with pytest.raises(ImproperlyConfigured, match="DKIM_SELECTOR not set"):
        dkim_private_key(domain="example.com", selector="", key_file=str(key_pair.private_key_file))


def test_a_good_key_is_read(key_pair):
    key = dkim_private_key(domain="example.com", selector="s1", key_file=str(key_pair.private_key_file))
    assert key == key_pair.private_key_file.read_bytes()
