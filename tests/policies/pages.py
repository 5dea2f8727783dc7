"""What an admin page's form posts as it stands: its named inputs, selects and text areas with their values, as a
browser sends them, for tests that change one thing and post the rest unchanged."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value") or "on"
            else:
                self.data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._first_option is None:
                self._first_option = value
                self.data.setdefault(self._select, value)
            if "selected" in attrs:
                self.data[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def form_data(client, url, **rows) -> dict:
    """What the page at `url` posts as it is, with the rows given (per row field: a list of values) in place of
    the stored ones."""
    parser = _Form()
    parser.feed(client.get(url).content.decode())
    data = {k: v for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}
    for field, values in rows.items():
        data = {k: v for k, v in data.items() if not k.startswith(f"{field}-")}
        data[f"{field}-rows"] = str(len(values))
        data.update({f"{field}-{i}-value": value for i, value in enumerate(values)})
    return data
