from jinja2 import Environment, FileSystemLoader, select_autoescape

env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())


def render_profile(profile):
    return env.get_template("profile.html").render(profile=profile)
