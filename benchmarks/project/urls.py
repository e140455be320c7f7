from __future__ import annotations

from django.urls import URLPattern, path

from project import settings, views
from tokenapi.decorators import token_required

urlpatterns: list[URLPattern] = [
    path("plain/", views.plain),
    path("bare/", views.bare),
    path("bare-async/", views.bare_async),
    # This app's decorator in its environment, 2.1.1's in the other.
    path("token-required/", token_required(views.whoami)),
]
if settings.CURRENT:
    urlpatterns += [path("token-required-async/", token_required(views.awhoami))]

if settings.HAS_DRF:
    from rest_framework.authentication import TokenAuthentication

    urlpatterns += [
        path("drf/", views.DrfBare.as_view()),
        path("drf-token/", views.DrfWhoami.as_view(authentication_classes=(TokenAuthentication,))),
    ]
    if settings.HAS_SIMPLEJWT:
        from rest_framework_simplejwt.authentication import JWTAuthentication

        urlpatterns += [
            path("drf-jwt/", views.DrfWhoami.as_view(authentication_classes=(JWTAuthentication,))),
        ]
    try:
        from tokenapi.contrib.rest_framework import TokenAuthentication as TokenapiAuthentication
    except ImportError:  # not in this version of the app
        pass
    else:
        urlpatterns += [
            path(
                "drf-tokenapi/",
                views.DrfWhoami.as_view(authentication_classes=(TokenapiAuthentication,)),
            ),
        ]
