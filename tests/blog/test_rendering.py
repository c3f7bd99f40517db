"""Markdown to safe HTML: blog.rendering directly, then the post page as a reader gets it."""

import json

import pytest

from blog.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, html_to_text, render_markdown, sanitise
from tests.blog.markup import parse, unsafe_markup, url_scheme
from tests.factories import PostFactory
from tests.services import TESTDATA, needs_shared

# Payload files shared by the project's developers (not copied into the repository).
XSS_DATA = TESTDATA / "xss"
PAYLOAD_LIST = XSS_DATA / "payloadbox-xss-payload-list.txt"
HTML5LIB_CASES = XSS_DATA / "html5lib-sanitizer-tests1.json"
needs_shared_data = needs_shared(PAYLOAD_LIST, HTML5LIB_CASES)

# Hand-written attacks, one per way in: raw HTML, Markdown links and images, autolinks.
ATTACKS = {
    "script tag": "<script>alert('xss')</script>",
    "script in a paragraph": "Before <script src=https://evil.example/x.js></script> after",
    "onerror attribute": '<img src="x" onerror="alert(1)">',
    "onerror in markdown image title": '![x](https://example.org/a.png "x\\" onerror=\\"alert(1)")',
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, mixed case": "[click](JaVaScRiPt:alert(1))",
    "javascript link, entity-encoded": "[click](&#106;avascript:alert(1))",
    "javascript link, tab inside": "[click](java&#9;script:alert(1))",
    "javascript reference link": "[click][x]\n\n[x]: javascript:alert(1)",
    "javascript autolink": "<javascript:alert(1)>",
    "javascript image": "![x](javascript:alert(1))",
    "data: html link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data: image": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "data: svg image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "vbscript link": "[click](vbscript:msgbox(1))",
    "raw anchor": '<a href="javascript:alert(1)">click</a>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "svg onload": "<svg onload=alert(1)>",
    "style attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "html block": "<div>\n<script>alert(1)</script>\n</div>",
    "html comment": "<!-- <script>alert(1)</script> -->",
}


# blog.rendering, directly


@pytest.mark.parametrize("source", ATTACKS.values(), ids=ATTACKS.keys())
def test_render_markdown_output_is_safe(source):
    html = render_markdown(source)
    assert unsafe_markup(html) == []
    assert "<script" not in html.lower()


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("Use <b>bold</b> sparingly.")
    assert "<b>" not in html
    assert html_to_text(html).strip() == "Use <b>bold</b> sparingly."


def test_markdown_features_survive():
    html = render_markdown(
        "## Method\n\n"
        "Read *carefully*, **twice** and ~~never~~ once: [the paper](https://example.org/p "
        '"Title"), <https://example.org/auto> and www.example.com.\n\n'
        "- first\n- second\n\n"
        "3. three\n4. four\n\n"
        "| Drug | Rate |\n|:-----|-----:|\n| A | 0.2 |\n\n"
        "Inline `code <b>` and:\n\n"
        "```python\nprint('<hello>')\n```\n\n"
        "> A quotation.\n\n"
        "![A scan](https://example.org/scan.png)\n\n"
        "Mail [us](mailto:team@example.org).\n"
    )
    tree = parse(html)

    assert tree.find("h2").text == "Method"
    assert tree.find("em").text == "carefully"
    assert tree.find("strong").text == "twice"
    assert tree.find("s").text == "never"
    links = {a.text: a.attrs for a in tree.find_all("a")}
    assert links["the paper"]["href"] == "https://example.org/p"
    assert links["the paper"]["title"] == "Title"
    assert links["the paper"]["rel"] == "noopener"
    assert links["https://example.org/auto"]["href"] == "https://example.org/auto"
    assert links["www.example.com"]["href"] == "http://www.example.com"
    assert links["us"]["href"] == "mailto:team@example.org"
    assert [li.text for li in tree.find("ul").find_all("li")] == ["first", "second"]
    assert tree.find("ol").attrs["start"] == "3"
    assert [th.text for th in tree.find("thead").find_all("th")] == ["Drug", "Rate"]
    assert [td.text for td in tree.find("tbody").find_all("td")] == ["A", "0.2"]
    assert [(th.attrs.get("align"), th.text) for th in tree.find_all("th")] == [
        ("left", "Drug"),
        ("right", "Rate"),
    ]
    assert tree.find("td", align="right").text == "0.2"
    assert tree.find("code").text == "code <b>"
    assert tree.find("pre").text == "print('<hello>')"
    assert tree.find("blockquote").text == "A quotation."
    image = tree.find("img")
    assert (image.attrs["src"], image.attrs["alt"]) == ("https://example.org/scan.png", "A scan")


def test_typography_is_tidied():
    assert render_markdown('"Quoted" -- and...') == "<p>“Quoted” – and…</p>\n"


def test_sanitise_keeps_the_allowlist_and_drops_the_rest():
    html = sanitise(
        '<p class="x" onclick="evil()">Hi <a href="https://example.org" target="_blank">a</a>'
        '<a href="javascript:alert(1)">b</a><img src="data:image/png;base64,AA" alt="c">'
        "<script>alert(1)</script><sup>2</sup></p><h1>big</h1>"
    )
    assert html == (
        '<p>Hi <a href="https://example.org" rel="noopener">a</a><a rel="noopener">b</a>'
        '<img alt="c"><sup>2</sup></p>big'
    )


def test_sanitise_can_add_other_link_rels():
    html = sanitise('<a href="https://example.org">x</a>', link_rel="nofollow ugc noopener")
    assert parse(html).find("a").attrs["rel"] == "nofollow ugc noopener"


def test_html_to_text_gives_what_a_reader_reads():
    html = render_markdown("A *b* & [c](https://example.org)\n\n- one\n- two\n\n`<tag>`")
    text = html_to_text(html)
    assert text.split() == ["A", "b", "&", "c", "one", "two", "<tag>"]


def test_empty_body():
    assert render_markdown("") == ""
    assert html_to_text("") == ""


def _violations(html: str) -> list[str]:
    """unsafe_markup(), and anything outside the allowlist blog.rendering declares."""
    problems = unsafe_markup(html)
    for node in parse(html).iter():
        if node.tag == "#document":
            continue
        if node.tag not in ALLOWED_TAGS:
            problems.append(f"<{node.tag}> is not allowed")
        allowed = ALLOWED_ATTRIBUTES.get(node.tag, set()) | ({"rel"} if node.tag == "a" else set())
        problems += [f"{name}= on <{node.tag}>" for name in node.attrs if name not in allowed]
    return problems


def _render_in_chunks(payloads: list[str], size: int = 100) -> None:
    """Render payloads as Markdown documents of `size` paragraphs each: half the work of one
    document per payload. A chunk that fails is rendered payload by payload, to name it."""
    for start in range(0, len(payloads), size):
        chunk = payloads[start : start + size]
        if _violations(render_markdown("\n\n".join(chunk))):
            for payload in chunk:
                assert _violations(render_markdown(payload)) == [], payload
            raise AssertionError(f"payloads {start}-{start + size} are unsafe only together")


@needs_shared_data
def test_public_xss_payloads_never_survive_rendering_or_sanitising():
    payloads = [line for line in PAYLOAD_LIST.read_text(errors="replace").splitlines() if line]
    assert len(payloads) > 6000
    _render_in_chunks(payloads)
    # nh3 alone, on raw HTML (Markdown escapes raw HTML before nh3 ever sees it).
    for payload in payloads:
        assert _violations(sanitise(payload)) == [], payload


@needs_shared_data
def test_html5lib_sanitizer_cases_come_out_safe():
    cases = json.loads(HTML5LIB_CASES.read_text())
    assert len(cases) > 50
    for case in cases:
        assert _violations(render_markdown(case["input"])) == [], case["name"]
        assert _violations(sanitise(case["input"])) == [], case["name"]


# The post page


def _article(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response, parse(response.text).find("article", cls="post")


@pytest.mark.parametrize("source", ATTACKS.values(), ids=ATTACKS.keys())
def test_attacks_in_body_and_postscript_never_reach_the_page(client, db, source):
    post = PostFactory(body=f"Intro.\n\n{source}\n\nOutro.", postscript=f"P.S. {source}")

    response, article = _article(client, post)

    body = article.find("div", cls="post-body")
    postscript = article.find("aside", cls="postscript")
    for region in (body, postscript):
        assert not region.find_all("script")
        for node in region.iter():
            assert not [name for name in node.attrs if name.startswith("on")]
            for name in ("href", "src"):
                if node.attrs.get(name):
                    assert url_scheme(node.attrs[name]) in {None, "http", "https", "mailto"}
    assert "Intro." in body.text and "Outro." in body.text
    # The only scripts on the page are the site's own files, and schema.org data (never
    # run), in which no "<" of the post's text can end the element.
    scripts = parse(response.text).find_all("script")
    data = [script for script in scripts if script.attrs.get("type") == "application/ld+json"]
    assert len(data) == 1 and "<" not in data[0].text
    json.loads(data[0].text)
    scripts = [script for script in scripts if script not in data]
    assert all(script.attrs.get("src", "").startswith("/static/") for script in scripts)
    assert all(not script.text for script in scripts)


def test_normal_markdown_reaches_the_page(client, db):
    post = PostFactory(
        body=(
            "Read *this* [paper](https://example.org/paper).\n\n"
            "- one\n- two\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "```\nx < y\n```\n"
        ),
        postscript="See **also** [the data](https://example.org/data).",
    )

    _, article = _article(client, post)

    body = article.find("div", cls="post-body")
    assert body.find("em").text == "this"
    assert body.find("a").attrs["href"] == "https://example.org/paper"
    assert [li.text for li in body.find_all("li")] == ["one", "two"]
    assert [td.text for td in body.find("table").find_all("td")] == ["1", "2"]
    assert body.find("pre").text == "x < y"
    postscript = article.find("aside", cls="postscript")
    assert postscript.find("strong", cls=None).text == "P.S."
    assert postscript.find("a").attrs["href"] == "https://example.org/data"
    assert postscript.find_all("strong")[1].text == "also"


def test_body_html_is_rendered_again_when_the_body_changes(db):
    post = PostFactory(body="*one*")
    post.body = "**two**"
    post.postscript = "<script>x</script>"
    post.save()
    post.refresh_from_db()
    assert post.body_html == "<p><strong>two</strong></p>\n"
    assert post.body_text.strip() == "two"
    assert "<script" not in post.postscript_html
