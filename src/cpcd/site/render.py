"""Pages from Jinja templates with autoescaping, and Markdown through markdown-it-py.

Every value reaches a page through an escaping template, so a cell holding
markup is shown as text. Markdown is rendered without raw HTML, and its links
stay links only when they are web addresses (a repository path has no page here).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from cpcd.site.cells import is_web_address
from cpcd.site.model import rel, slug

GENERATOR = "cpcd site"


def _web_links_and_heading_ids(state: StateCore) -> None:
    """Drop links that lead nowhere on a static host; give headings unique, prefixed ids."""
    taken: set[str] = state.env.setdefault("ids", set())
    prefix = state.env.get("prefix", "")
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            base = prefix + slug(tokens[i + 1].content).replace("_", "-")
            ident, n = base, 1
            while ident in taken:
                n += 1
                ident = f"{base}-{n}"
            taken.add(ident)
            token.attrSet("id", ident)
        if token.type != "inline" or not token.children:
            continue
        kept, open_links = [], []
        for child in token.children:
            if child.type == "link_open":
                keep = is_web_address(str(child.attrGet("href") or ""))
                open_links.append(keep)
                if keep:
                    child.attrSet("rel", "external noopener")
                    kept.append(child)
            elif child.type == "link_close":
                if open_links.pop():
                    kept.append(child)
            else:
                kept.append(child)
        token.children = kept


MARKDOWN = MarkdownIt("commonmark", {"html": False})
MARKDOWN.core.ruler.push("web_links_and_heading_ids", _web_links_and_heading_ids)


def markdown(text: str, prefix: str = "") -> Markup:
    """Markdown as HTML; heading ids start with ``prefix`` so several texts share a page."""
    return Markup(MARKDOWN.render(text, {"prefix": prefix}))


def size(n: int) -> str:
    """Bytes as a reader reads them."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


@pass_context
def url(context: Context, target: str) -> str:
    """A site path as a link from the page being rendered."""
    return rel(context["here"], target)


ENV = Environment(
    loader=PackageLoader("cpcd", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.filters.update(url=url, size=size, markdown=markdown)
ENV.globals.update(generator=GENERATOR)


def render(template: str, **context: Any) -> bytes:
    """One page as UTF-8 bytes."""
    return ENV.get_template(template).render(**context).encode("utf-8")
