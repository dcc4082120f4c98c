from django.urls import path

from index import views

app_name = "index"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/advance/", views.campaign_advance, name="campaign-advance"),
    path("campaigns/<int:pk>/results/", views.campaign_results, name="campaign-results"),
    path("campaigns/<int:pk>/results.xlsx", views.campaign_summary_xlsx,
         name="campaign-summary-xlsx"),
    path("criteria/", views.criteria_set_list, name="criteria-set-list"),
    path("criteria/import/", views.criteria_set_import, name="criteria-set-import"),
    path("criteria/new/", views.criteria_set_create, name="criteria-set-create"),
    path("criteria/<int:pk>/", views.criteria_set_detail, name="criteria-set-detail"),
    path("criteria/<int:pk>/edit/", views.criteria_set_edit, name="criteria-set-edit"),
    path("criteria/<int:pk>/lines/new/", views.node_create, name="node-create"),
    path("criteria/<int:pk>/lines/<int:node_pk>/", views.node_edit, name="node-edit"),
    path("criteria/<int:pk>/lines/<int:node_pk>/move/", views.node_move, name="node-move"),
    path("criteria/<int:pk>/lines/<int:node_pk>/delete/", views.node_delete,
         name="node-delete"),
    path("criteria/<int:pk>/criteria.xlsx", views.criteria_set_export,
         name="criteria-set-export"),
    path("criteria/<int:pk>/copy/", views.criteria_set_copy, name="criteria-set-copy"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/detail.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("assessments/<int:pk>/self/", views.assessment_self, name="assessment-self"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment-submit"),
    path("assessments/<int:pk>/appraise/", views.assessment_appraise,
         name="assessment-appraise"),
    path("assessments/<int:pk>/explain/", views.assessment_explain, name="assessment-explain"),
    path("assessments/<int:pk>/decide/", views.assessment_decide, name="assessment-decide"),
    path("assessments/<int:pk>/lines/<int:node_pk>/evidence/", views.line_evidence,
         name="line-evidence"),
    path("assessments/<int:pk>/lines/<int:node_pk>/correct/", views.line_correct,
         name="line-correct"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
