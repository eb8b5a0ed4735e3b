"""Plain-text emails, rendered with Jinja2."""

from jinja2 import Environment, FileSystemLoader

mail = Environment(loader=FileSystemLoader("mail"), autoescape=False)


def welcome(name: str) -> str:
    return mail.get_template("welcome.txt").render(name=name)
