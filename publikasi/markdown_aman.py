"""Stories are written in a Markdown subset and shown as sanitised HTML.

Two steps, both needed: Markdown turns text into HTML (and passes raw HTML through, as the
format says), then nh3 (the Rust ``ammonia`` sanitiser) keeps only a short allow-list of tags
and attributes. Whatever a writer types (``<script>``, ``onerror=``, ``javascript:`` links,
inline styles, images from elsewhere) cannot reach a reader's browser. Headings are shifted so
a story never competes with the page's own ``<h1>``. Links get ``rel="nofollow noopener"``.

The output of :func:`render` is the only text in the portal marked safe from user input.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from inti.teks import hapus_kontrol

TAGS = frozenset({"p", "a", "em", "strong", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
                  "code", "pre", "br"})
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
MAX_INPUT = 100_000

_HEADING = re.compile(r"<(/?)h([1-6])(\s[^>]*)?>", re.IGNORECASE)


def _shift_heading(match: re.Match) -> str:
    level = min(max(int(match.group(2)) + 1, 2), 4)
    return f"<{match.group(1)}h{level}>"


def render(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a page as is."""
    if not text:
        return mark_safe("")
    text = hapus_kontrol(text)[:MAX_INPUT]
    out = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    out = _HEADING.sub(_shift_heading, out)
    clean = nh3.clean(out, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                      url_schemes=set(URL_SCHEMES), link_rel=LINK_REL, strip_comments=True)
    # Sanitised by nh3 with the allow-list above: the one place user text is marked safe.
    # Control characters go again afterwards: Markdown's own placeholders (\x02, \x03) must
    # never reach a page or the Atom feed.
    return mark_safe(hapus_kontrol(clean))


def plain(text: str | None, words: int = 40) -> str:
    """The story as plain text, shortened (for lists, the feed and meta descriptions)."""
    return Truncator(html.unescape(strip_tags(render(text))).strip()).words(words, truncate=" …")
