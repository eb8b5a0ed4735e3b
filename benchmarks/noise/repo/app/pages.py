"""HTML pages, rendered with Jinja2."""

from jinja2 import Environment, FileSystemLoader

pages = Environment(loader=FileSystemLoader("templates"), autoescape=False)


def profile(user: dict) -> str:
    return pages.get_template("profile.html").render(user=user)
