from pathlib import Path

from django.http import HttpResponse

REPORTS = Path("/var/reports")


def report(request):
    name = request.GET["name"]
    path = REPORTS / name
    with open(path, "rb") as fh:  # VULN
        return HttpResponse(fh.read(), content_type="application/pdf")
