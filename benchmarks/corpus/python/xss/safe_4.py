from django.http import HttpResponse
from django.utils.html import escape


def greet(request):
    name = request.GET.get("name", "guest")
    return HttpResponse("<p>Welcome back, %s!</p>" % escape(name))
