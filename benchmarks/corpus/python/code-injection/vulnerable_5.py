import importlib

from django.http import JsonResponse


def run_plugin(request):
    plugin = importlib.import_module(request.GET["plugin"])  # VULN
    return JsonResponse(plugin.run())
