import importlib

from django.http import JsonResponse

PLUGINS = {"stats": "app.plugins.stats", "export": "app.plugins.export"}


def run_plugin(request):
    plugin = importlib.import_module(PLUGINS[request.GET["plugin"]])
    return JsonResponse(plugin.run())
