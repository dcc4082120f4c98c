from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("ranking/", views.unit_ranking, name="unit-ranking"),
    path("heatmap/", views.unit_heatmap, name="unit-heatmap"),
    path("<int:pk>/", views.unit_detail, name="unit-detail"),
]
