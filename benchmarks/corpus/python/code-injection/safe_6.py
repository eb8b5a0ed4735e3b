from jinja2 import Environment

env = Environment()
EMAIL = env.from_string("Dear {{ user.name }},\n{{ body }}")


def render_email(user, body: str) -> str:
    return EMAIL.render(user=user, body=body)
