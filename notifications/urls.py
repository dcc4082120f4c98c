from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("<int:pk>/read/", views.notice_read, name="notice-read"),
    path("read-all/", views.notice_read_all, name="notice-read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("deliveries/", views.delivery_list, name="delivery-list"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery-detail"),
]
