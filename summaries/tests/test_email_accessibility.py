"""The summary email's HTML part is a document a screen reader can navigate, and its text part says the same."""

import re
from html.parser import HTMLParser

from django.utils import translation

from summaries.services.emailing import SUBJECT, build_summary_email
from summaries.tests.factories import build_submission


class _Outline(HTMLParser):
    """The html element's lang, the title, and each heading's level and text."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.title = ""
        self.headings: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "title" or re.fullmatch(r"h[1-6]", tag):
            self._open = tag
            if tag != "title":
                self.headings.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open == "title":
            self.title += data
        elif self._open:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)


def _parts(submission) -> tuple[str, _Outline]:
    message = build_summary_email(submission, pdf=b"%PDF-1.7")
    [(html, _)] = message.alternatives
    outline = _Outline()
    outline.feed(html)
    return message.body, outline


def test_the_html_part_has_a_language_a_title_and_headings_in_order():
    _, outline = _parts(build_submission())

    assert outline.lang == "en"
    assert outline.title.strip() == SUBJECT
    assert [level for level, _ in outline.headings] == ["h1", "h2"]
    assert "Ada Lovelace" in outline.headings[0][1]
    assert outline.headings[1][1].strip() == "What you told us"


def test_the_html_parts_language_is_the_language_active_for_the_job():
    with translation.override("de"):
        _, outline = _parts(build_submission())

    assert outline.lang == "de"


def test_the_text_part_says_what_the_html_part_says():
    submission = build_submission(saying="More than mortal.", dream_job="Analyst")
    text, outline = _parts(submission)
    [(html, _)] = build_summary_email(submission, pdf=b"%PDF-1.7").alternatives

    # The same greeting, heading, labels and answers, in both.
    for words in ("Hello", "What you told us", "Favourite hobby:", "Favourite colour:", "Dream job:",
                  "Favourite saying:", "summary.pdf", "Best wishes", "If that was not you"):  # fmt: skip
        assert words in text and words in html, words
    for answer in (submission.name, submission.hobby, submission.color, submission.dream_job, submission.saying):
        assert answer in text and answer in html, answer
