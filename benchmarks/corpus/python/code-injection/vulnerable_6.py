from jinja2 import Environment

env = Environment()


def render_email(user, body_template: str) -> str:
    return env.from_string("Dear {{ user.name }},\n" + body_template).render(user=user)  # VULN
