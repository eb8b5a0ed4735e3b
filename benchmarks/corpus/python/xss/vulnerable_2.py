from markupsafe import Markup


def highlight(text: str, word: str) -> Markup:
    return Markup(text.replace(word, f"<mark>{word}</mark>"))  # VULN
