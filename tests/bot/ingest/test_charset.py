"""Decoding page bytes: declared, sniffed, detected and broken charsets."""

from __future__ import annotations

import codecs

import pytest

from bot.ingest.charset import canonical_encoding, decode_bytes, meta_charset

TEXT = "Le marché couvert rouvrira après l'été, promet la mairie, « sans faute » cette fois."


def test_valid_utf8_wins_over_a_wrong_latin1_label() -> None:
    text, encoding = decode_bytes(TEXT.encode("utf-8"), "iso-8859-1")
    assert (text, encoding) == (TEXT, "utf-8")


def test_correctly_declared_latin1() -> None:
    text, encoding = decode_bytes(TEXT.encode("latin-1"), "ISO-8859-1")
    assert text == TEXT
    assert encoding == "iso8859-1"


def test_latin1_mislabelled_as_utf8_is_detected() -> None:
    body = (TEXT + " ") * 20
    text, _ = decode_bytes(body.encode("cp1252"), "utf-8")
    assert text == body


def test_mixed_bytes_keep_the_utf8_and_replace_the_rest() -> None:
    body = TEXT.encode("utf-8") + b" \xe9 " + TEXT.encode("utf-8")
    text, encoding = decode_bytes(body, None)
    assert encoding == "utf-8"
    assert text.count("marché") == 2
    assert "\ufffd" in text


def test_meta_charset_is_read_from_the_head() -> None:
    html = f'<html><head><meta charset="windows-1252"><title>{TEXT}</title>'.encode("cp1252")
    assert meta_charset(html) == "cp1252"
    assert decode_bytes(html, None)[0].endswith(f"<title>{TEXT}</title>")


def test_http_equiv_content_type_is_read() -> None:
    html = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15">'
    assert meta_charset(html) == "iso8859-15"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_win(codec: str) -> None:
    body = TEXT.encode(codec)
    assert decode_bytes(body, "iso-8859-1")[0].lstrip("\ufeff") == TEXT


def test_declared_utf16_without_bom() -> None:
    body = TEXT.encode("utf-16-le")
    assert decode_bytes(body, "utf-16-le")[0] == TEXT


def test_unknown_labels_are_ignored() -> None:
    assert canonical_encoding("no-such-charset") is None
    assert decode_bytes(TEXT.encode(), "no-such-charset")[0] == TEXT


def test_garbage_never_raises() -> None:
    body = bytes(range(256)) * 50
    text, encoding = decode_bytes(body, "utf-8")
    assert isinstance(text, str) and codecs.lookup(encoding)
