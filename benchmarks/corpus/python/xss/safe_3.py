from django.utils.html import format_html


def badge(user):
    return format_html('<span class="badge">{}</span>', user.display_name)
