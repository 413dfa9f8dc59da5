"""Extraction through the real worker process: metadata, clean bodies, refusals, limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.errors import ExtractTimeout, InputError, NotAnArticle
from bot.ingest.extract import Extractor, read_article_file
from bot.models import Page

NAV = (
    '<header><nav><a href="/">Home</a> <a href="/world">World</a> '
    '<a href="/business">Business</a> <a href="/sport">Sport</a></nav></header>'
)
FOOTER = "<footer><p>Copyright 2026 Harbour Herald Media. All rights reserved.</p></footer>"

STORY = [
    "The port authority of Eastmouth approved on Tuesday a plan to rebuild the northern "
    "breakwater, which was badly damaged by two winter storms in a row.",
    "Board members voted six to one for the project, which is expected to cost about 48 "
    "million euros and to take three years, according to the authority's own estimate.",
    "Fishing crews have complained for months that the broken wall leaves the inner harbour "
    "exposed, forcing boats to shelter in the neighbouring town during bad weather.",
    "The single board member who voted against the plan said the authority should first "
    "finish a study of how rising sea levels will change the coastline over the next decades.",
    "Work on the first section could begin in the spring if the regional government releases "
    "its share of the money before the end of March.",
]


def article_html(paragraphs: list[str] | None = None, *, lang: str | None = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or STORY))
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"""<!DOCTYPE html><html{lang_attr}><head>
<meta charset="utf-8">
<title>Eastmouth votes to rebuild storm-hit breakwater | Harbour Herald</title>
<meta property="og:title" content="Eastmouth votes to rebuild storm-hit breakwater">
<meta property="og:site_name" content="Harbour Herald">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-01-20T09:30:00+01:00">
<meta name="author" content="Mara Quintana">
</head><body>{NAV}
<article>
<h1>Eastmouth votes to rebuild storm-hit breakwater</h1>
<p class="byline">By Mara Quintana</p>
<figure><img src="/img/wall.jpg" alt="">
<figcaption>Waves break over the damaged wall in January. Photo: Harbour Herald
</figcaption></figure>
{body}
<p>Read more: Storm season leaves coastal towns counting the cost</p>
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Ferry timetable changes</a></li>
<li><a href="/b">Council tax rise approved</a></li></ul></aside>
{FOOTER}</body></html>"""


@pytest.fixture(scope="session")
def extractor() -> Iterator[Extractor]:
    """One worker process for the whole session: starting one costs about half a second."""
    with Extractor(timeout=30.0) as ex:
        yield ex


# ---- a realistic article ------------------------------------------------------------------


def test_metadata_and_body_of_a_news_article(extractor: Extractor) -> None:
    url = "https://www.harbourherald.example/2026/01/20/eastmouth-breakwater"
    got = extractor.from_html(article_html(), url)
    assert got.url == url
    assert got.title == "Eastmouth votes to rebuild storm-hit breakwater"
    assert got.outlet == "Harbour Herald"
    assert got.author == "Mara Quintana"
    assert got.published == datetime(2026, 1, 20, 8, 30, tzinfo=UTC)
    assert got.published is not None and got.published.utcoffset() == timedelta(hours=1)
    assert got.language == "en"
    for paragraph in STORY:
        assert paragraph in got.text
    # no headline, byline, caption, "read more", sidebar or footer in the body
    for unwanted in (
        "Eastmouth votes to rebuild",
        "By Mara Quintana",
        "Waves break over",
        "Read more",
        "Ferry timetable",
        "All rights reserved",
        "Business",
    ):
        assert unwanted not in got.text


def test_outlet_falls_back_to_the_registrable_domain(extractor: Extractor) -> None:
    html = article_html().replace('<meta property="og:site_name" content="Harbour Herald">', "")
    html = html.replace(" | Harbour Herald", "")
    got = extractor.from_html(html, "https://news.harbourherald.co.uk/2026/01/story")
    assert got.outlet in ("harbourherald.co.uk", "Harbour Herald")
    html_no_names = html.replace("Harbour Herald", "The Paper")
    got = extractor.from_html(html_no_names, "https://news.eastcoast-daily.co.uk/2026/01/story")
    assert got.outlet in ("eastcoast-daily.co.uk", "The Paper")


def test_a_date_without_time_becomes_midnight_utc(extractor: Extractor) -> None:
    html = article_html().replace(
        '<meta property="article:published_time" content="2026-01-20T09:30:00+01:00">',
        '<meta name="date" content="2026-01-18">',
    )
    got = extractor.from_html(html, "https://harbourherald.example/2026/01/18/story")
    assert got.published == datetime(2026, 1, 18, tzinfo=UTC)


def test_a_timestamp_without_zone_is_taken_as_utc(extractor: Extractor) -> None:
    html = article_html().replace("2026-01-20T09:30:00+01:00", "2026-01-20T09:30:00")
    got = extractor.from_html(html, "https://harbourherald.example/2026/01/20/story")
    assert got.published == datetime(2026, 1, 20, 9, 30, tzinfo=UTC)
    assert got.published is not None and got.published.tzinfo is not None


def test_from_page_uses_the_final_url_and_header_charset(extractor: Extractor) -> None:
    body = article_html().replace('<meta charset="utf-8">', "").encode("utf-8")
    page = Page(
        url="https://t.example/x",
        final_url="https://harbourherald.example/2026/01/20/story",
        status=200,
        content_type="text/html",
        body=body,
        encoding="utf-8",
    )
    got = extractor.from_page(page)
    assert got.url == page.final_url
    assert got.outlet == "Harbour Herald"


def test_from_page_reads_plain_text(extractor: Extractor) -> None:
    page = Page(
        url="u",
        final_url="https://example.org/notes.txt",
        status=200,
        content_type="text/plain",
        body=("Breakwater vote\n\n" + " ".join(STORY)).encode(),
    )
    got = extractor.from_page(page)
    assert got.title == "Breakwater vote"
    assert got.text.startswith("The port authority")


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/rss+xml"])
def test_from_page_refuses_other_types(extractor: Extractor, content_type: str) -> None:
    page = Page("u", "https://example.org/f", 200, content_type, b"%PDF-1.4")
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_page(page)
    assert caught.value.reason == f"not an article ({content_type})"


# ---- charsets ----------------------------------------------------------------------


FRENCH = [
    "Le conseil municipal a voté mardi soir la rénovation complète du marché couvert, "
    "fermé depuis l'été dernier après la chute d'une partie de la toiture.",
    "Les commerçants, installés depuis des mois sous des tentes provisoires, espèrent "
    "retrouver leurs étals avant les fêtes de fin d'année, selon leur association.",
    "Le chantier doit durer dix-huit mois et coûtera près de quatre millions d'euros, "
    "dont une partie sera payée par la région et par l'État.",
]


def french_page(charset_meta: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in FRENCH)
    return (
        f"<html><head>{charset_meta}<title>Le marché couvert sera rénové</title></head>"
        f"<body><article><h1>Le marché couvert sera rénové</h1>{paragraphs}</article></body></html>"
    )


def test_latin1_page_declared_as_utf8_is_read_correctly(extractor: Extractor) -> None:
    body = french_page().encode("latin-1")
    got = extractor.from_html(body, "https://journal.example/2026/01/marche", encoding="utf-8")
    assert "rénovation complète du marché" in got.text
    assert "\ufffd" not in got.text
    assert got.language == "fr"


def test_latin1_page_without_any_charset_is_detected(extractor: Extractor) -> None:
    body = french_page().encode("latin-1")
    got = extractor.from_html(body, "https://journal.example/2026/01/marche")
    assert "l'été dernier" in got.text
    assert got.title == "Le marché couvert sera rénové"


def test_meta_charset_is_honoured(extractor: Extractor) -> None:
    body = french_page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
    got = extractor.from_html(body.encode("cp1252"), "https://journal.example/2026/01/marche")
    assert "fêtes de fin d'année" in got.text


def test_mixed_encodings_do_not_crash_and_keep_the_utf8_text(extractor: Extractor) -> None:
    body = french_page('<meta charset="utf-8">').encode("utf-8")
    body = body.replace(b"provisoires", b"provisoires \xe9\xe8 ")  # stray Latin-1 bytes
    got = extractor.from_html(body, "https://journal.example/2026/01/marche")
    assert "rénovation complète" in got.text
    assert "\ufffd" in got.text


def test_utf8_page_declared_as_latin1_is_not_mangled(extractor: Extractor) -> None:
    body = french_page().encode("utf-8")
    got = extractor.from_html(body, "https://journal.example/2026/01/marche", encoding="latin-1")
    assert "marché couvert" in got.text
    assert "Ã©" not in got.text


# ---- pages that are not articles -------------------------------------------------------


def test_cookie_wall(extractor: Extractor) -> None:
    html = f"""<html><head><title>Before you continue</title></head><body>{NAV}
    <div class="consent"><h2>We value your privacy</h2>
    <p>We use cookies and similar tools to run this site, count visits and show ads. Choose
    Accept all cookies to agree, or open Cookie settings to pick what you allow.</p>
    <button>Accept all cookies</button><button>Cookie settings</button></div></body></html>"""
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_html(html, "https://ledger.example/2026/01/story")
    assert caught.value.reason == "not an article (cookie wall)"


def test_javascript_only_page(extractor: Extractor) -> None:
    html = """<html><head><title>Daily Ledger</title></head><body>
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div><script src="/static/app.js"></script></body></html>"""
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_html(html, "https://ledger.example/2026/01/story")
    assert caught.value.reason == "not an article (the page needs JavaScript)"


def test_paywall_teaser(extractor: Extractor) -> None:
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Inside the budget talks",
            "datePublished": "2026-01-20T08:00:00Z",
            "isAccessibleForFree": False,
        }
    )
    html = f"""<html><head><title>Inside the budget talks</title>
    <script type="application/ld+json">{ld}</script></head><body>{NAV}<article>
    <h1>Inside the budget talks</h1><p>Negotiators from the three coalition parties met late
    into the night on Monday as the deadline for a spending deal drew closer, according to two
    people briefed on the discussions.</p>
    <div class="paywall"><p>Subscribe to continue reading. Already a subscriber? Sign in.</p>
    </div></article></body></html>"""
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_html(html, "https://ledger.example/2026/01/budget")
    assert caught.value.reason == "not an article (paywall)"


def test_home_page(extractor: Extractor) -> None:
    teasers = "".join(
        f'<li><a href="/2026/01/story-{i}">Headline number {i} about a local matter</a>'
        f"<span>{i} hours ago</span></li>"
        for i in range(25)
    )
    html = f"""<html><head><title>Daily Ledger - news, sport and weather</title>
    <meta property="og:type" content="website"></head><body>{NAV}
    <main><h1>Top stories</h1><ul>{teasers}</ul></main></body></html>"""
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_html(html, "https://ledger.example/")
    assert caught.value.reason == "not an article (home page)"
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_html(html.replace("website", "section"), "https://ledger.example/local")
    assert caught.value.reason == "not an article (a list of links)"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><head><title>x</title></head><body></body></html>", "no article text found"),
        ("   \n  ", "empty page"),
        (
            "<html><body><article><p>The meeting moves to Thursday at noon.</p></article>"
            "</body></html>",
            "too short",
        ),
    ],
)
def test_empty_and_tiny_pages(extractor: Extractor, html: str, reason: str) -> None:
    with pytest.raises(NotAnArticle) as caught:
        extractor.from_html(html, None)
    assert caught.value.reason == f"not an article ({reason})"


# ---- hostile pages: size and nesting, under a hard time limit ---------------------------


def big_page(megabytes: int) -> str:
    # distinct paragraphs: trafilatura drops repeated ones as boilerplate
    paragraph = (
        "<p>Entry {i}: the committee recorded item {i} of the harbour ledger, "
        "with the cost, the contractor and the date of delivery noted beside it.</p>\n"
    )
    count = megabytes * 1_000_000 // len(paragraph)
    rows = "".join(paragraph.format(i=i) for i in range(count))
    return f"<html><head><title>Ledger</title></head><body><article>{rows}</article></body></html>"


def test_a_10_mb_page_is_capped_and_still_extracted(extractor: Extractor) -> None:
    html = big_page(10)
    assert len(html) > 10_000_000
    got = extractor.from_html(html, "https://ledger.example/2026/01/ledger")
    assert got.text.startswith("Entry 0:")
    assert 0 < len(got.text) < 2_000_000


def test_the_hard_time_limit_kills_a_slow_extraction_and_recovers() -> None:
    html = big_page(10)
    with Extractor(timeout=0.05) as ex:
        with pytest.raises(ExtractTimeout) as caught:
            ex.from_html(html, "https://ledger.example/2026/01/ledger")
        assert caught.value.reason == "timed out while extracting the article"
        ex.timeout = 30.0  # the next call gets a fresh worker and a normal budget
        got = ex.from_html(article_html(), "https://harbourherald.example/2026/01/story")
    assert got.title == "Eastmouth votes to rebuild storm-hit breakwater"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body>"
        + "<div>" * 100_000
        + "deep text " * 50
        + "</div>" * 100_000
        + "</body></html>",
        "<html><body>" + "<table><tr><td>" * 30_000 + "cell text " * 50 + "</body></html>",
        "<html><body>" + "<b><i>" * 200_000 + "</body></html>",
        "<html><body><article>" + "<script>" * 500_000 + "</article></body></html>",
    ],
    ids=["divs", "tables", "unclosed-inline", "unclosed-scripts"],
)
def test_deeply_nested_markup_has_a_clear_outcome(extractor: Extractor, html: str) -> None:
    try:
        outcome = extractor.from_html(html, "https://ledger.example/2026/01/deep").text
    except (NotAnArticle, ExtractTimeout) as exc:
        outcome = exc.reason
    assert outcome
    # the worker survived (or was replaced): a normal page still works
    assert extractor.from_html(article_html(), None).author == "Mara Quintana"


def test_a_crashed_worker_is_replaced(extractor: Extractor) -> None:
    extractor.from_html(article_html(), None)
    for worker in list(extractor._idle):  # simulate an OOM kill between two calls
        worker.process.kill()
        worker.process.wait()
    assert extractor.from_html(article_html(), None).outlet == "Harbour Herald"


def test_workers_serve_threads_in_parallel() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with Extractor(timeout=30.0, processes=2) as ex, ThreadPoolExecutor(4) as pool:
        titles = list(pool.map(lambda _: ex.from_html(article_html(), None).title, range(6)))
    assert titles == ["Eastmouth votes to rebuild storm-hit breakwater"] * 6


def test_a_closed_extractor_refuses_work() -> None:
    ex = Extractor(timeout=5.0)
    ex.close()
    with pytest.raises(RuntimeError):
        ex.from_html(article_html(), None)


# ---- languages -------------------------------------------------------------------------

GERMAN = [
    "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss bis zum "
    "Herbst zu sanieren, weil die Prüfer deutliche Schäden an den Pfeilern gefunden haben.",
    "Die Arbeiten sollen im April beginnen und werden nach Angaben der Verwaltung etwa "
    "zwölf Millionen Euro kosten, die zum Teil vom Land übernommen werden.",
    "Während der Bauzeit wird der Verkehr über eine Umleitung durch das Gewerbegebiet "
    "geführt, was bei den Anwohnern auf wenig Begeisterung stößt.",
]
RUSSIAN = [
    "Городской совет во вторник одобрил план ремонта старого моста через реку, так как "
    "инженеры обнаружили серьёзные повреждения опор.",
    "Работы должны начаться в апреле и, по оценке администрации, обойдутся примерно в "
    "двенадцать миллионов, часть которых выделит область.",
    "На время ремонта движение пустят в объезд через промышленный район, что не слишком "
    "обрадовало жителей соседних улиц.",
]
JAPANESE = [
    "市議会は火曜日、川に架かる古い橋の補修計画を承認した。点検で橋脚に大きな損傷が見つかったためで、工事は四月に始まる予定だ。",
    "市によると、費用はおよそ十二億円で、その一部は県が負担する。工事の間は工業地帯を通る迂回路が使われることになり、近くの住民からは不満の声も出ている。",
    "市長は記者会見で、安全を最優先にして、できるだけ早く工事を終えたいと述べた。",
]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [(GERMAN, "de"), (RUSSIAN, "ru"), (JAPANESE, "ja"), (FRENCH, "fr")],
    ids=["de", "ru", "ja", "fr"],
)
def test_non_english_pages_are_extracted_with_their_language(
    extractor: Extractor, paragraphs: list[str], expected: str
) -> None:
    got = extractor.from_html(article_html(paragraphs, lang=None), None)
    assert paragraphs[0] in got.text
    assert got.language == expected


def test_html_lang_is_used_when_present(extractor: Extractor) -> None:
    got = extractor.from_html(article_html(GERMAN, lang="de-AT"), None)
    assert got.language == "de"


def test_a_wrong_template_lang_loses_to_the_text(extractor: Extractor) -> None:
    got = extractor.from_html(article_html(RUSSIAN, lang="en"), None)
    assert got.language == "ru"


# ---- files --------------------------------------------------------------------------------


def test_html_file(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_text(article_html(), encoding="utf-8")
    got = read_article_file(path, extractor)
    assert got.title == "Eastmouth votes to rebuild storm-hit breakwater"
    assert got.author == "Mara Quintana"


def test_txt_file(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("\n\n  Breakwater vote  \n" + "\n\n".join(STORY) + "\n", encoding="utf-8")
    got = read_article_file(path, extractor)
    assert got.title == "Breakwater vote"
    assert got.text.startswith(STORY[0])
    assert got.text.endswith(STORY[-1])
    assert got.language == "en"
    assert got.url is None


def test_md_file_strips_the_heading_marks(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("# Breakwater vote\n\n" + "\n\n".join(STORY), encoding="utf-8")
    assert read_article_file(path, extractor).title == "Breakwater vote"


def test_txt_file_in_latin1(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "marche.txt"
    path.write_bytes(("Le marché\n" + "\n".join(FRENCH)).encode("latin-1"))
    got = read_article_file(path, extractor)
    assert got.title == "Le marché"
    assert got.language == "fr"


def test_json_file_with_every_field(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    record = {
        "text": " ".join(STORY),
        "title": "Breakwater vote",
        "url": "https://harbourherald.example/2026/01/20/story",
        "published": "2026-01-20T09:30:00+01:00",
        "outlet": "Harbour Herald",
        "author": "Mara Quintana",
    }
    path.write_text(json.dumps(record), encoding="utf-8")
    got = read_article_file(path, extractor)
    assert got.title == "Breakwater vote"
    assert got.url == record["url"]
    assert got.outlet == "Harbour Herald"
    assert got.author == "Mara Quintana"
    assert got.published == datetime(2026, 1, 20, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert got.language == "en"


def test_json_file_with_text_only(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    path.write_text(json.dumps({"text": " ".join(STORY)}), encoding="utf-8")
    got = read_article_file(path, extractor)
    assert got.text.startswith("The port authority")
    assert got.title  # taken from the start of the text
    assert got.url is None and got.published is None


@pytest.mark.parametrize(
    "content",
    [
        '{"title": "no text"}',
        '{"text": ""}',
        '{"text": 42}',
        '["text"]',
        "{not json",
        '{"text": "Some words.", "published": "last Tuesday-ish"}',
        '{"text": "Some words.", "author": ["two", "people"]}',
    ],
)
def test_bad_json_files_are_input_errors(
    extractor: Extractor, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        read_article_file(path, extractor)


def test_other_file_types_and_missing_files_are_input_errors(
    extractor: Extractor, tmp_path: Path
) -> None:
    docx = tmp_path / "story.docx"
    docx.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError):
        read_article_file(docx, extractor)
    with pytest.raises(InputError):
        read_article_file(tmp_path / "missing.txt", extractor)


def test_empty_text_file_is_not_an_article(extractor: Extractor, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n\n   \n", encoding="utf-8")
    with pytest.raises(NotAnArticle):
        read_article_file(path, extractor)
