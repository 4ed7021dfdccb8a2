"""Reading the review's pages and CSVs back as rows of text, to compare them."""

import csv
import io
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Collects each <table data-table="name"> as a list of rows of cell text."""

    def __init__(self):
        super().__init__()
        self.tables, self._name, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._name = attrs["data-table"]
            self.tables[self._name] = []
        elif self._name and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._name = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._name].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    # The page writes "—" where the CSV leaves the cell empty.
    return {
        name: [["" if cell == "—" else cell for cell in row] for row in rows]
        for name, rows in parser.tables.items()
    }


def csv_rows(response):
    assert response.streaming, "the CSV is streamed"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))
