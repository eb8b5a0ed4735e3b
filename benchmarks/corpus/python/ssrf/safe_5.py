import requests
from django.http import JsonResponse

session = requests.Session()


def fetch_feed(request):
    page = int(request.POST.get("page", "1"))
    response = session.get("https://feeds.example.com/latest", params={"page": page}, timeout=10)
    return JsonResponse({"bytes": len(response.content)})
