import urllib.request

from django.http import HttpResponse


def proxy_image(request):
    src = request.GET["src"]
    with urllib.request.urlopen(src) as upstream:  # VULN
        return HttpResponse(upstream.read(), content_type="image/png")
