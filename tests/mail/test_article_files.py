"""The article's letters ship as files: they must be exactly what tutor.mail.letters builds."""

from __future__ import annotations

from pathlib import Path

from tutor.mail import article
from tutor.mail.letters import letter_of_size
from tutor.mail.worlds import ARTICLE_SIZES, article_letters


def test_shipped_letters_are_byte_identical_to_generated_ones() -> None:
    # If this fails, the letters or letters.py changed: run `python -m tutor.mail.article`.
    assert article.load() == article.generate()
    assert [len(data) for data in article_letters()] == list(ARTICLE_SIZES)


def test_regenerating_writes_the_same_files(tmp_path: Path) -> None:
    paths = article.write(tmp_path)
    assert [path.name for path in paths] == list(article.LETTER_FILES)
    assert article.load(tmp_path) == article.load()


def test_letters_with_attachments_are_repeatable() -> None:
    # The stdlib draws MIME boundaries at random; ours are derived, so bytes repeat exactly.
    headers = {"From": "a@example.org", "Subject": "x", "Message-ID": "<1@example.org>"}
    attachment = ("a.pdf", "application/pdf")
    first = letter_of_size(4000, headers, attachment=attachment, attachment_bytes=500)
    assert first == letter_of_size(4000, headers, attachment=attachment, attachment_bytes=500)
    assert len(first) == 4000
    assert b'boundary="===============' in first
