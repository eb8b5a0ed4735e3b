import urllib.request

from django.http import HttpResponse

IMAGE_HOST = "https://images.example.com/"


def proxy_image(request):
    name = request.GET["name"]
    with urllib.request.urlopen(IMAGE_HOST + name) as upstream:
        return HttpResponse(upstream.read(), content_type="image/png")
