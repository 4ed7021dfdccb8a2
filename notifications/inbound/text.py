"""What an email says, as plain text: its HTML flattened, its language guessed, its order number.

We store text only, never the sender's HTML: a page that shows it escapes
it like any other text, so a script in a message can never run in an
agent's browser. Script, style and head contents are dropped, not shown as
words.
"""

import re
from html.parser import HTMLParser

# Elements whose content is not text a reader sees.
HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript", "object", "svg"})
BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The words a reader sees in ``html``, one paragraph a line; no tag, no script survives."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)  # character references already decoded by the parser
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Common French words that English text hardly uses, and French's accented letters.
FRENCH_WORDS = frozenset(
    {
        "le",
        "la",
        "les",
        "des",
        "une",
        "est",
        "et",
        "je",
        "nous",
        "vous",
        "mon",
        "ma",
        "mes",
        "votre",
        "vos",
        "pas",
        "ne",
        "que",
        "qui",
        "pour",
        "avec",
        "sur",
        "dans",
        "bonjour",
        "merci",
        "commande",
        "colis",
        "reçu",
        "livraison",
        "toujours",
        "depuis",
        "été",
        "avoir",
        "cordialement",
        "madame",
        "monsieur",
        "j'ai",
        "n'est",
        "c'est",
    }
)
ENGLISH_WORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "is",
        "and",
        "i",
        "we",
        "you",
        "my",
        "your",
        "not",
        "that",
        "which",
        "for",
        "with",
        "on",
        "in",
        "hello",
        "thanks",
        "thank",
        "order",
        "parcel",
        "received",
        "delivery",
        "still",
        "since",
        "been",
        "have",
        "regards",
        "dear",
        "it's",
        "i've",
    }
)
ACCENTS = re.compile(r"[éèêàçùûôîœ]", re.IGNORECASE)
WORD = re.compile(r"[\w']+")


def language_guess(text: str) -> str | None:
    """ "fr" or "en" when the words say so clearly, else None (the caller falls back).

    A light count of tell-tale words and French accents: enough to answer a
    customer in the language they wrote in, not a language identifier.
    """
    words = [word.lower().replace("’", "'") for word in WORD.findall(text.replace("’", "'"))]
    french = sum(word in FRENCH_WORDS for word in words) + len(ACCENTS.findall(text)) / 2
    english = sum(word in ENGLISH_WORDS for word in words)
    if french >= 2 and french > english * 1.5:
        return "fr"
    if english >= 2 and english > french * 1.5:
        return "en"
    return None


# "Order 12345", "Commande n° AB-1234", "#884213": a subject that is only an order number.
ORDER_SUBJECT = re.compile(
    r"^(?:(?:order|commande|cmd|ref|réf|référence|reference)\.?\s*(?:n°|no\.?|number|numéro)?\s*[:#]?\s*)?#?"
    r"(?P<number>(?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{3,39})$",
    re.IGNORECASE,
)


def order_reference_in(subject: str) -> str:
    """The order number a subject consists of ("Order #12345" → "12345"), or ""."""
    found = ORDER_SUBJECT.match(subject.strip())
    return found.group("number") if found else ""
