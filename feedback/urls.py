from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("feedback/", views.public_form, name="public_form"),
    path("feedback/easy-read/", views.public_form, {"easy_read": True}, name="public_form_easy"),
    path("feedback/thank-you/", views.public_thanks, name="public_thanks"),
    path("feedback/easy-read/thank-you/", views.public_thanks, {"easy_read": True}, name="public_thanks_easy"),
    path("feedback/t/<str:token>/", views.public_form, name="public_form_token"),
    path("feedback/t/<str:token>/easy-read/", views.public_form, {"easy_read": True}, name="public_form_token_easy"),
    path("feedback/inbox/", views.inbox, name="inbox"),
    path("feedback/inbox/<int:item_pk>/", views.inbox_item, name="inbox_item"),
    path("feedback/best-practice/", views.best_practice, name="best_practice"),
    path("feedback/best-practice/<int:notice_pk>/shared/", views.best_practice_shared, name="best_practice_shared"),
    path("feedback/coverage/", views.coverage, name="coverage"),
    path("reviews/<int:review_pk>/feedback/link/", views.link_create, name="link_create"),
    path("reviews/<int:review_pk>/feedback/letter/", views.letter, name="letter"),
    path("reviews/<int:review_pk>/feedback/email/", views.email_text, name="email_text"),
    path("reviews/<int:review_pk>/feedback/compliment/", views.compliment_from_review, name="compliment"),
    path("reviews/<int:review_pk>/feedback/complaint/", views.complaint_from_review, name="complaint"),
]
