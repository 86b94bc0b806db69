"""French typography for generated text: no-break spaces and the typographic apostrophe.

Two entry points:

- :func:`french_text` for one string of generated French (a caption, a sheet title);
- :func:`french_html` for a whole rendered page: only text between tags is changed, never a tag, an
  attribute value, a ``<style>``, ``<script>``, ``<code>``, ``<pre>`` or ``<svg>`` element, nor a URL.

Respondents' words (any element with the class ``verbatim``) keep their own spelling: their characters
are left as they are, except that an existing plain space before « ; : ! ? % € » or after « « »
becomes unbreakable, so that no line of a quote starts with a colon (the glyphs do not change).
"""

from __future__ import annotations

import html
import re

NNBSP = "\u202f"  # narrow no-break space: before ; : ! ? and inside « »
NBSP = "\u00a0"  # no-break space: before % and €
APOSTROPHE = "\u2019"

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿŒœ"
_SPACES = " \u00a0\u202f"
# A URL or e-mail-like token is left alone whole: its colons and apostrophes are not prose.
_URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)\S+", re.IGNORECASE)

_GENERATED = (
    # existing space(s) before ; : ! ? become one narrow no-break space
    (re.compile(rf"[{_SPACES}]+(?=[;:!?])"), NNBSP),
    # a missing one after a word or a closing bracket/quote, when the mark ends a clause ("Lecture: x")
    (re.compile(rf"(?<=[{_LETTER}»)\]])(?=[;:!?](?:\s|$))"), NNBSP),
    (re.compile(rf"«[{_SPACES}]*"), "«" + NNBSP),
    (re.compile(rf"[{_SPACES}]*»"), NNBSP + "»"),
    (re.compile(rf"(?<=\d)[{_SPACES}]*(?=[%€])"), NBSP),
    (re.compile(rf"(?<=[{_LETTER}])'(?=[{_LETTER}])"), APOSTROPHE),
)

_VERBATIM = (
    (re.compile(r" (?=[;:!?»])"), NNBSP),
    (re.compile(r"(?<=«) "), NNBSP),
    (re.compile(r"(?<=\d) (?=[%€])"), NBSP),
)


def _apply(text: str, rules) -> str:
    # URLs are cut out first and put back untouched
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(_substitute(text[last : match.start()], rules))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_substitute(text[last:], rules))
    return "".join(parts)


def _substitute(text: str, rules) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def french_text(text: str) -> str:
    """Generated French with its no-break spaces and typographic apostrophes.

    >>> french_text("Lecture : l'écart est de 5 % « en tout »")
    'Lecture\u202f: l’écart est de 5\xa0% «\u202fen tout\u202f»'
    >>> french_text("voir https://exemple.org/a?b=1 : c'est tout")
    'voir https://exemple.org/a?b=1\u202f: c’est tout'
    """
    return _apply(text, _GENERATED)


def verbatim_text(text: str) -> str:
    """A respondent's words: same characters, only existing spaces by punctuation made unbreakable.

    >>> verbatim_text("c'est « ça » : 5 %")
    "c'est «\u202fça\u202f»\u202f: 5\xa0%"
    """
    return _apply(text, _VERBATIM)


VERBATIM_COLUMNS = {"sentence", "text", "quote", "answer_text"}


def is_verbatim(column: str) -> bool:
    """Whether a tidy column holds words as written by respondents or as printed in 2014.

    >>> is_verbatim("sentence"), is_verbatim("examples_as_printed"), is_verbatim("label")
    (True, True, False)
    """
    return column in VERBATIM_COLUMNS or column.endswith("_as_printed")


_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<[^>]*>|[^<]+", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9:-]*)([^>]*?)(/?)\s*>", re.DOTALL)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SKIP = {"style", "script", "code", "pre", "kbd", "samp", "textarea", "svg", "math"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _mode_of(name: str, attributes: str, inherited: str) -> str:
    if inherited == "skip" or name in _SKIP:
        return "skip"
    found = _CLASS.search(attributes)
    classes = next((g for g in found.groups() if g is not None), "").split() if found else []
    return "verbatim" if "verbatim" in classes or inherited == "verbatim" else inherited


def french_html(page: str) -> str:
    """Apply French typography to the text of an HTML page, leaving markup and code alone.

    >>> french_html('<p title="a : b">Note : l\\'item <code>x : y</code></p>')
    '<p title="a : b">Note\u202f: l’item <code>x : y</code></p>'
    >>> french_html('<td class="verbatim">l\\'asso : oui</td>')
    '<td class="verbatim">l&#x27;asso\u202f: oui</td>'
    """
    out, stack = [], []  # stack of (element name, mode)
    for token in _TOKEN.findall(page):
        if not token.startswith("<"):
            mode = stack[-1][1] if stack else "generated"
            if mode == "skip":
                out.append(token)
            else:
                fix = french_text if mode == "generated" else verbatim_text
                out.append(html.escape(fix(html.unescape(token)), quote=mode == "verbatim"))
            continue
        out.append(token)
        tag = _TAG.match(token)
        if tag is None:  # comment, doctype
            continue
        closing, name, attributes, selfclosing = tag.group(1), tag.group(2).lower(), tag.group(3), tag.group(4)
        if closing:
            for depth in range(len(stack) - 1, -1, -1):  # tolerate unclosed children
                if stack[depth][0] == name:
                    del stack[depth:]
                    break
        elif name not in _VOID and not selfclosing:
            stack.append((name, _mode_of(name, attributes, stack[-1][1] if stack else "generated")))
    return "".join(out)
