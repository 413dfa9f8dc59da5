"""Canonical URLs and content hashes, for deduplicating articles."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# query parameters that track clicks and never change the article
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|"
    r"_ga|_gl|ref|ref_src|ref_url|cmpid|smid|sr_share|share|ocid|at_\w+|ito|itm_\w+|"
    r"guccounter|guce_\w+|spm|s_cid|ns_\w+|taid|__twitter_impression)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """Scheme and host lowercased, ``www.`` and default ports dropped, tracking
    parameters and the fragment removed, remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def content_hash(text: str) -> str:
    """Hash of the text with case, accents, punctuation and spacing folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = " ".join(re.findall(r"\w+", folded))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


def article_id(canonical: str | None, text_hash: str) -> str:
    """A short stable id: from the canonical URL, or the content when there is none."""
    basis = canonical if canonical else f"text:{text_hash}"
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()
