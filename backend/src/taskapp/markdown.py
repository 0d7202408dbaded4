"""User Markdown as safe HTML, shared by every domain that shows it (a project's published
page, task comments): markdown-it-py with raw HTML off (so `<script>` stays text), then nh3, the
allow-list sanitizer, which also drops any URL scheme but http, https and mailto. No images: a
remote image is a tracking pixel for whoever reads the text."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# linkify: a bare https://… or www.… in a comment is a link, as in every chat and tracker (the
# scheme allow-list below still applies to it).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(["table", "linkify"])
_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code"),
    *("ul", "ol", "li", "strong", "em", "a", "table", "thead", "tbody", "tr", "th", "td"),
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


def markdown_html(text: str) -> Markup:
    """Trusted HTML from untrusted Markdown (links get rel="noopener noreferrer nofollow")."""
    rendered = _MARKDOWN.render(text)
    cleaned = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704  # nosec B704 - sanitized by nh3 just above
