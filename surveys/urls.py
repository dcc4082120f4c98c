from django.urls import path

from surveys import views

app_name = "surveys"

# The management pages come first: a campaign code may not be "quan-ly" or "s" (models).
urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("quan-ly/moi/", views.campaign_create, name="campaign-create"),
    path("quan-ly/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("quan-ly/<int:pk>/sua/", views.campaign_edit, name="campaign-edit"),
    path("quan-ly/<int:pk>/dong/", views.campaign_close_view, name="campaign-close"),
    path("quan-ly/<int:pk>/tinh-lai/", views.campaign_recompute_view, name="campaign-recompute"),
    path("quan-ly/<int:pk>/ket-qua/", views.campaign_results, name="campaign-results"),
    path("quan-ly/<int:pk>/ket-qua.csv", views.campaign_results_csv,
         name="campaign-results-csv"),
    path("quan-ly/<int:pk>/ket-qua.xlsx", views.campaign_results_xlsx,
         name="campaign-results-xlsx"),
    path("quan-ly/<int:pk>/don-vi/<int:unit_pk>/ket-qua/", views.unit_results,
         name="unit-results"),
    path("quan-ly/<int:pk>/don-vi/<int:unit_pk>/ap-phich/", views.unit_poster,
         name="unit-poster"),
    path("quan-ly/<int:pk>/don-vi/<int:unit_pk>/phieu-giay/", views.paper_entry,
         name="paper-entry"),
    path("quan-ly/bang-hoi/", views.questionnaire_list, name="questionnaire-list"),
    path("quan-ly/bang-hoi/<int:pk>/", views.questionnaire_detail, name="questionnaire-detail"),
    path("quan-ly/bang-hoi/<int:pk>/sua/", views.questionnaire_edit, name="questionnaire-edit"),
    path("quan-ly/bang-hoi/<int:pk>/phien-ban-moi/", views.questionnaire_copy,
         name="questionnaire-copy"),
    # Public: no login (the poster's short address, the form, its thank-you, the kiosk).
    path("s/<str:short_code>/", views.short_link, name="short-link"),
    path("<slug:campaign_code>/<str:unit_code>/", views.response_form, name="response-form"),
    path("<slug:campaign_code>/<str:unit_code>/cam-on/", views.response_thanks,
         name="response-thanks"),
    path("<slug:campaign_code>/<str:unit_code>/kiosk/", views.kiosk_form, name="kiosk-form"),
    path("<slug:campaign_code>/<str:unit_code>/kiosk/cam-on/", views.kiosk_thanks,
         name="kiosk-thanks"),
]
