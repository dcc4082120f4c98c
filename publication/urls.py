from django.urls import path

from publication import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("ky-bao-cao/<int:pk>/", views.period_detail, name="period-detail"),
    path("ky-bao-cao/<int:pk>.csv", views.period_csv, name="period-csv"),
    path("ky-bao-cao/<int:pk>.json", views.period_json, name="period-json"),
    path("du-lieu/", views.data_dictionary, name="data-dictionary"),
    path("quan-ly/", views.publication_list, name="publication-list"),
    path("quan-ly/<int:pk>/publish/", views.period_publish, name="period-publish"),
    path("quan-ly/<int:pk>/withdraw/", views.period_withdraw, name="period-withdraw"),
]
