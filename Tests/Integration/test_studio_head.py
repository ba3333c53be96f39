"""Every Studio page, as `baton serve` sends it, carries the <head> the pages share
(Studio/partials/head.html) exactly once and its own title and script, and no page file is
sent without it: whichever way its path is spelled, and in the browser's parsed document."""
import html.parser
import urllib.request

import pytest

from studio_support import SHIPPED, STUDIO, Server, open_page, severe

MARKER = "<!-- shared head: partials/head.html -->"
PAGES = {
    "/": ("Baton Studio", "js/landing.js"),
    "/ensemble.html": ("Ensemble · Baton Studio", "js/ensemble.js"),
    "/handwriting.html": ("Handwriting · Baton Studio", "js/handwriting.js"),
    "/instrument.html": ("Instrument · Baton Studio", "js/instrument.js"),
}


class HeadParser(html.parser.HTMLParser):
    """The start tags inside <head> (name and attributes) and the title's text."""

    def __init__(self):
        super().__init__()
        self.in_head, self.in_title, self.tags, self.title = False, False, [], ""

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif self.in_head:
            self.tags.append((tag, tuple(sorted(attrs))))
            self.in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def head_of(text):
    parser = HeadParser()
    parser.feed(text)
    return parser


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.headers.get("Content-Type"), answer.read().decode("utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Server([SHIPPED], tmp_path_factory.mktemp("head"))
    try:
        yield server
    finally:
        server.stop()
        server.sink.close()


def test_the_fragment_is_what_every_page_shared():
    shared = head_of("<head>" + (STUDIO / "partials" / "head.html").read_text() + "</head>").tags
    assert [tag for tag, _ in shared] == ["meta", "meta", "link", "link"]
    for path in PAGES:
        file = STUDIO / ("index.html" if path == "/" else path.lstrip("/"))
        own = head_of(file.read_text())
        assert file.read_text().count(MARKER) == 1, f"{file.name}: one marker line"
        assert [tag for tag, _ in own.tags] == ["title", "script"], f"{file.name} keeps only its own title and script"


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_has_the_shared_head_once_and_its_own_title(served, path):
    shared = head_of("<head>" + (STUDIO / "partials" / "head.html").read_text() + "</head>").tags
    title, script = PAGES[path]
    status, content_type, text = fetch(served.url + path)
    assert status == 200 and content_type.startswith("text/html")
    assert MARKER not in text
    head = head_of(text)
    for tag in shared:
        assert head.tags.count(tag) == 1, f"{path}: {tag} {head.tags.count(tag)} times"
    assert head.tags[0] == ("meta", (("charset", "utf-8"),)), "the charset comes first"
    assert head.title == title
    assert head.tags.count(("script", (("src", script), ("type", "module")))) == 1
    assert len(head.tags) == len(shared) + 2, f"{path}: {head.tags}"


@pytest.mark.parametrize("spelling", ["/index.html", "//ensemble.html", "/./handwriting.html", "/%69nstrument.html", "/x/../ensemble.html"])
def test_no_spelling_of_a_path_gets_the_page_without_its_head(served, spelling):
    status, _, text = fetch(served.url + spelling)
    assert status == 200
    assert MARKER not in text and '<link rel="stylesheet" href="css/studio.css">' in text


@pytest.mark.parametrize("path", list(PAGES))
def test_the_browser_sees_one_head(served, browser, path):
    open_page(browser, served.url + path)
    counts = browser.execute_script(
        "return ['meta[charset]', 'meta[name=viewport]', 'link[rel=stylesheet]', 'link[rel=icon]', 'title']"
        ".map((s) => document.querySelectorAll(s).length)")
    assert counts == [1, 1, 1, 1, 1]
    assert browser.title == PAGES[path][0]
    assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)", \
        "studio.css applies"
    assert severe(browser) == []
