from django.urls import path

from refectoire.www.public import accessibility, branding, menus, privacy_notice, simulator, views

app_name = "public"

urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("actualites/", views.news_list, name="news_list"),
    path("actualites/<uuid:news_uuid>/", views.news_detail, name="news_detail"),
    path("cgu/", views.cgu, name="cgu"),
    path("accessibilite/", accessibility.statement, name="accessibility"),
    path("donnees-personnelles/", privacy_notice.privacy_notice, name="privacy_notice"),
    path("logo/", branding.logo, name="logo"),
    path("favicon.png", branding.favicon, name="favicon"),
    path("simulation-des-tarifs/", simulator.tariff_simulator, name="tariff_simulator"),
    path("menus/", menus.menus, name="menus"),
    path("menus/ecole/<uuid:school_uuid>/", menus.school_menus, name="school_menus"),
    path("menus/ecole/<uuid:school_uuid>/menus.ics", menus.menus_feed, name="menus_feed"),
    path("menus/semaine/<uuid:week_uuid>.pdf", menus.menu_week_pdf_view, name="menu_week_pdf"),
]
