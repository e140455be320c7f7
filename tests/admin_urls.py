"""The admin's pages, which its templates link to, for the sessions admin's test."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
