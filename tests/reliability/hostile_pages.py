"""Hostile and broken pages for the link tests, served by the local ``ArticleServer``.

Every body here is written for these tests. ``serve_all`` registers them all
on one server and returns ``Case`` rows: the path, the URL to paste in Slack
and a phrase the threaded reply must contain.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from tests.support.pages import ArticleServer

# a plain local story, long enough to count as an article
STORY = [
    "The town council of Wexmoor agreed on Monday to reopen the old river ferry, closed "
    "since a flood damaged its landing stage two winters ago.",
    "Councillors voted nine to two for a repair budget of about 1.4 million pounds, most of "
    "it for a new pontoon and a ramp that wheelchairs and bicycles can use.",
    "Shopkeepers on the east bank say the closure cut their Saturday trade by a third, "
    "because visitors from the market side now take the long road round by the bypass.",
    "The two councillors who voted against asked for a survey of the riverbed first, "
    "arguing that silt moved by the flood could make the crossing unsafe at low tide.",
    "If the contractor keeps to the timetable, the ferry should carry passengers again "
    "before the summer holidays begin in July.",
]

LIBRARY = [
    "Wexmoor's public library will open on Sundays from March, the council said on Friday, "
    "after a petition signed by more than two thousand residents.",
    "The extra hours will be covered by four part-time staff and a group of volunteers who "
    "already run the children's reading club on Saturday mornings.",
    "The head librarian said visits had risen by a fifth since the reading room was "
    "refurbished, with students filling every desk in the weeks before exams.",
    "A trial of six months will decide whether the Sunday opening becomes permanent; the "
    "council will count visitors and ask users to fill in a short survey.",
]

FRENCH = [
    "Le conseil municipal de Brémont a voté lundi la réouverture du bac qui traverse la "
    "rivière, fermé depuis qu'une crue a emporté son ponton il y a deux hivers.",
    "Les élus ont approuvé par neuf voix contre deux un budget de réparation d'environ "
    "un million et demi d'euros, consacré surtout à un nouveau ponton et à une rampe.",
    "Les commerçants de la rive est affirment avoir perdu un tiers de leur chiffre "
    "d'affaires du samedi depuis la fermeture, faute de clients venus du marché.",
    "Si l'entreprise tient le calendrier, le bac transportera de nouveau des passagers "
    "avant le début des vacances d'été, au mois de juillet.",
]


def story_html(title: str, paragraphs: list[str], *, lang: str = "en", meta: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>'
        f'<meta property="og:type" content="article"></head><body>'
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    )


NAV = '<nav><a href="/">Front</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>'

COOKIE_WALL = (
    f"<html><head><title>One more step</title></head><body>{NAV}<div>"
    "<h2>Your choices</h2><p>We use cookies to keep this site running and to measure "
    "visits. Press Accept all cookies to go on, or open Cookie settings to choose.</p>"
    "</div></body></html>"
)
JS_WALL = (
    "<html><head><title>Wexmoor Gazette</title></head><body>"
    "<noscript>Please enable JavaScript to read this page.</noscript>"
    '<div id="app"></div><script src="/bundle.js"></script></body></html>'
)
PAYWALL = (
    "<html><head><title>Ferry talks</title>"
    '<script type="application/ld+json">{"@context": "https://schema.org", '
    '"@type": "NewsArticle", "headline": "Ferry talks", "isAccessibleForFree": false}'
    f"</script></head><body>{NAV}<article><h1>Ferry talks</h1><p>Councillors met again on "
    "Monday evening to argue over who should pay for the new pontoon, according to two people "
    "who were in the room.</p><div><p>Subscribe to continue reading. Already a subscriber? "
    "Sign in.</p></div></article></body></html>"
)
HOME_PAGE = (
    '<html><head><title>Wexmoor Gazette - local news</title><meta property="og:type" '
    f'content="website"></head><body>{NAV}<main><h1>Latest</h1><ul>'
    + "".join(
        f'<li><a href="/2026/02/item-{i}">Short headline {i} on a town matter</a></li>'
        for i in range(30)
    )
    + "</ul></main></body></html>"
)
DEEP_DIVS = (
    "<html><body>" + "<div>" * 100_000 + "buried " * 60 + "</div>" * 100_000 + "</body></html>"
)
UNCLOSED = "<html><body><article>" + "<b><i><span>" * 150_000 + "</article></body></html>"

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 2048
BINARY = bytes(range(256)) * 64


@dataclass(frozen=True)
class Case:
    """One link to paste: what it is, its URL, and the phrase its reply must contain."""

    name: str
    url: str
    expect: str


def address_cases() -> list[Case]:
    """Literal hosts that are not public: refused without any DNS lookup or connection."""
    rows = [
        ("loopback other port", "http://127.0.0.1:1/x", "address not allowed (loopback)"),
        ("decimal ip", "http://2130706433/", "address not allowed (loopback)"),
        ("hex ip", "http://0x7f.1/", "address not allowed (loopback)"),
        ("ipv6 loopback", "http://[::1]/", "address not allowed (loopback)"),
        ("ipv4-mapped", "http://[::ffff:127.0.0.1]/", "address not allowed (loopback)"),
        ("ipv6 link-local", "http://[fe80::1]/", "address not allowed (link-local)"),
        ("ipv6 unique-local", "http://[fc00::1]/", "address not allowed (private network)"),
        ("private v4", "http://10.0.0.1/admin", "address not allowed (private network)"),
        (
            "metadata",
            "http://169.254.169.254/latest/meta-data/",
            "address not allowed (link-local)",
        ),
        ("multicast", "http://224.0.0.1/", "address not allowed (multicast)"),
        ("unspecified", "http://0.0.0.0/", "address not allowed (unspecified address)"),
    ]
    return [Case(*row) for row in rows]


def dns_cases() -> list[Case]:
    """Names whose (injected) DNS answers are not public; see ``RESOLVER_ANSWERS``."""
    rows = [
        ("dns to metadata", "http://metadata.test/", "address not allowed (link-local)"),
        ("dns one bad answer", "http://mixed.test/", "address not allowed (loopback)"),
        ("dns to ula", "http://v6.test/", "address not allowed (private network)"),
        ("dns unknown", "http://nowhere.test/", "host not found"),
    ]
    return [Case(*row) for row in rows]


RESOLVER_ANSWERS = {
    "metadata.test": ["169.254.169.254"],
    "mixed.test": ["93.184.216.34", "127.0.0.1"],
    "v6.test": ["fd00::7"],
}


def redirect_cases(site: ArticleServer) -> list[Case]:
    """Redirects from the allowed site to places the fetcher must not go."""
    rows = [
        ("redirect private", "http://10.0.0.1/", "address not allowed (private network)"),
        ("redirect loopback port", "http://127.0.0.1:1/", "address not allowed (loopback)"),
        ("redirect hex loopback", "http://0x7f.1:1/", "address not allowed (loopback)"),
        ("redirect metadata", "http://169.254.169.254/", "address not allowed (link-local)"),
        ("redirect file", "file:///etc/passwd", "scheme not allowed"),
        ("redirect gopher", "gopher://127.0.0.1:70/", "scheme not allowed"),
    ]
    cases = []
    for i, (name, location, expect) in enumerate(rows):
        cases.append(Case(name, site.redirect(f"/go/{i}", location), expect))
    site.redirect("/loop", "/loop")
    cases.append(Case("redirect loop", site.url("/loop"), "too many redirects"))
    return cases


def cap_cases(site: ArticleServer) -> list[Case]:
    """Size and time caps: streams, bombs, declared sizes, silence and drips."""
    mb = b"<p>" + b"x" * (1_000_000 - 7) + b"</p>"
    slow = b"<html><body><p>" + b"y" * 200_000 + b"</p></body></html>"
    return [
        Case("50 MB stream", site.add("/stream", mb, repeat=50, content_length=False), "too large"),
        Case(
            "gzip bomb",
            site.add(
                "/bomb", gzip.compress(b"\0" * 30_000_000), headers={"Content-Encoding": "gzip"}
            ),
            "too large",
        ),
        Case("10 MB declared", site.add("/ten", mb, repeat=10), "too large"),
        Case("never answers", site.add("/hang", b"late", delay=60.0), "timed out"),
        Case("slow drip", site.add("/drip", slow, drip=0.05, chunk_size=1024), "timed out"),
    ]


def page_cases(site: ArticleServer) -> list[Case]:
    """Pages that are not articles, refusals by the site, and bodies that are not HTML."""
    add = site.add
    return [
        Case(
            "pdf",
            add("/doc.pdf", PDF, content_type="application/pdf"),
            "not an article (application/pdf)",
        ),
        Case("pdf as html", add("/doc.html", PDF), "not an article (application/pdf)"),
        Case("png", add("/pic.png", PNG, content_type="image/png"), "not an article (image/png)"),
        Case("png as html", add("/pic.html", PNG), "not an article (image/png)"),
        Case(
            "binary",
            add("/blob", BINARY, content_type="application/octet-stream"),
            "not an article (application/octet-stream)",
        ),
        Case("empty body", add("/empty", b""), "not an article"),
        Case("403", add("/forbidden", b"no", status=403), "blocked by the site"),
        Case("429", add("/busy", b"slow down", status=429), "blocked by the site"),
        Case("404", add("/gone", b"missing", status=404), "page not found"),
        Case("home page", site.html("/front", HOME_PAGE), "not an article"),
        Case("cookie wall", site.html("/consent", COOKIE_WALL), "not an article (cookie wall)"),
        Case(
            "javascript wall",
            site.html("/app", JS_WALL),
            "not an article (the page needs JavaScript)",
        ),
        Case("paywall", site.html("/paid", PAYWALL), "not an article (paywall)"),
        Case("deep divs", site.html("/deep", DEEP_DIVS), "not an article"),
        Case("unclosed tags", site.html("/unclosed", UNCLOSED), "not an article"),
    ]


def good_cases(site: ArticleServer) -> list[Case]:
    """Awkward but genuine articles: each must be summarised, title intact."""
    title = "Wexmoor ferry to sail again after flood repairs"
    library = "Wexmoor library to open on Sundays"
    latin = story_html("Caf\u00e9 owners cheer Wexmoor ferry plan", STORY)
    mixed = story_html(title + " \u2014 update", STORY).encode("utf-8")
    mixed = mixed.replace(
        b"two winters ago", "two winters ago (r\u00e9sum\u00e9)".encode("latin-1")
    )
    return [
        Case(
            "latin-1 without charset",
            site.add("/latin", latin.encode("latin-1"), content_type="text/html"),
            "Caf\u00e9 owners cheer",
        ),
        Case("mixed encodings", site.add("/mixed", mixed), title),
        Case(
            "french",
            site.html("/fr", story_html("Le bac de Br\u00e9mont va rouvrir", FRENCH, lang="fr")),
            "Le bac de Br\u00e9mont va rouvrir",
        ),
        Case("plain story", site.html("/story", story_html(library, LIBRARY)), library),
    ]


def serve_all(site: ArticleServer) -> list[Case]:
    """Register every page on ``site``; the literal-address and DNS cases need no page."""
    return (
        address_cases()
        + dns_cases()
        + redirect_cases(site)
        + cap_cases(site)
        + page_cases(site)
        + good_cases(site)
    )
