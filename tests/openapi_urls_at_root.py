from django.urls import include, path

urlpatterns = [
    path("", include("tokenapi.urls")),
    path("", include("tokenapi.contrib.openapi.urls")),
]
