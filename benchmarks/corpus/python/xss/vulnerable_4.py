from django.http import HttpResponse


def greet(request):
    name = request.GET.get("name", "guest")
    return HttpResponse("<p>Welcome back, %s!</p>" % name)  # VULN
