from django.urls import include, path

urlpatterns = [
    path("token/", include(("tokenapi.urls", "tokenapi"))),
    path("token/", include("tokenapi.contrib.openapi.urls")),
]
