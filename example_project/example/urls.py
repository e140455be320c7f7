from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

from api import views
from api.ninja_api import api as ninja_api

urlpatterns = [
    path("", views.index, name="index"),
    path("token/", include("tokenapi.urls")),
    path("token/", include("tokenapi.contrib.openapi.urls")),  # token/openapi.json
    path("api/ninja/", ninja_api.urls),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # the admin's CSS and JavaScript, in development only
    urlpatterns += staticfiles_urlpatterns()
