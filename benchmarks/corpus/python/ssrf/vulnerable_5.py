import requests
from django.http import JsonResponse

session = requests.Session()


def fetch_feed(request):
    feed_url = request.POST.get("feed_url")
    response = session.get(feed_url, timeout=10)  # VULN
    return JsonResponse({"bytes": len(response.content)})
