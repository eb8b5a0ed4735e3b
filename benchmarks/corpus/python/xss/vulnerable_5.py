from jinja2 import Environment, FileSystemLoader

env = Environment(loader=FileSystemLoader("templates"), autoescape=False)  # VULN


def render_profile(profile):
    return env.get_template("profile.html").render(profile=profile)
