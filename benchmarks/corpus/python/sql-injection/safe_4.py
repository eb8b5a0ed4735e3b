from myapp.models import Article


def search(request):
    term = request.GET.get("q", "")
    return Article.objects.raw(
        "SELECT * FROM myapp_article WHERE title LIKE %s", [f"%{term}%"]
    )
