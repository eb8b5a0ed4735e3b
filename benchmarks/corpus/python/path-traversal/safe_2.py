from pathlib import Path

from django.http import Http404, HttpResponse

REPORTS = Path("/var/reports")


def report(request):
    name = request.GET["name"]
    path = (REPORTS / name).resolve()
    if not path.is_relative_to(REPORTS):
        raise Http404()
    with open(path, "rb") as fh:
        return HttpResponse(fh.read(), content_type="application/pdf")
