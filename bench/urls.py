from django.http import HttpResponse
from django.urls import path

from workshop.urls import urlpatterns as product_urlpatterns


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *product_urlpatterns]
