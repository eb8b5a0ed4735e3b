from django.utils.safestring import mark_safe


def badge(user):
    html = '<span class="badge">' + user.display_name + "</span>"
    return mark_safe(html)  # VULN
