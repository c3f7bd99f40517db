"""Reading the sitemap as a crawler does: the index at /sitemap.xml, then every page."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(client, url: str) -> ET.Element:
    parts = urlsplit(url)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, url
    return ET.fromstring(response.content)  # noqa: S314 - our own sitemap


def sitemap_pages(client) -> list[str]:
    """The page addresses the index at /sitemap.xml names."""
    return [loc.text for loc in _xml(client, "/sitemap.xml").findall("sm:sitemap/sm:loc", NS)]


def page_locations(client, page: str) -> list[str]:
    return [loc.text for loc in _xml(client, page).findall("sm:url/sm:loc", NS)]


def sitemap_locations(client) -> list[str]:
    """Every URL of every sitemap page, in order."""
    return [url for page in sitemap_pages(client) for url in page_locations(client, page)]
