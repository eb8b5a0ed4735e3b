from myapp.models import Article


def search(request):
    term = request.GET.get("q", "")
    return Article.objects.raw(  # VULN
        "SELECT * FROM myapp_article WHERE title LIKE '%%{}%%'".format(term)
    )
