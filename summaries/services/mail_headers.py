"""The headers every automated email carries, besides its stable Message-ID.

- From: always DEFAULT_FROM_EMAIL, even when the envelope sender is a VERP bounce address
  (services/verp.py).
- List-Unsubscribe and List-Unsubscribe-Post (RFC 8058): mail clients show an "unsubscribe"
  button that posts to our one-click link (services/unsubscribe.py).
- Auto-Submitted (RFC 3834) and X-Auto-Response-Suppress (Microsoft's): out-of-office and
  other automatic replies are not sent back to an address nobody reads.
- Content-Language: the language the message is written in, the active one.
"""

from django.conf import settings

from summaries.i18n.email_language import content_language_header
from summaries.models import Submission
from summaries.services.unsubscribe import ONE_CLICK_POST, unsubscribe_url


def automated_headers(submission: Submission, *, message_id: str) -> dict[str, str]:
    return {
        "From": settings.DEFAULT_FROM_EMAIL,
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe_url(submission.email)}>",
        "List-Unsubscribe-Post": ONE_CLICK_POST,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        **content_language_header(),
    }
