from markupsafe import Markup, escape


def highlight(text: str, word: str) -> Markup:
    return escape(text).replace(escape(word), Markup("<mark>%s</mark>") % word)
