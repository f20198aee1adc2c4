"""The public feedback form: no account, anonymous by default, protected without puzzles."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from feedback.models import FeedbackLink, PublicFeedback
from tests.conftest import activate_totp
from tests.factories import CouncilFactory

GOOD = {
    "given_by": "person",
    "experience": "good",
    "listened_to": "yes",
    "feedback": "My social worker helped me get home from hospital.",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def form_url(council, name="feedback:public_form", **kwargs):
    return reverse(name, kwargs={"council_slug": council.slug, **kwargs})


def test_anyone_can_give_feedback_without_an_account(client, council_a):
    response = client.post(form_url(council_a), GOOD)
    assert response.status_code == 302 and response.url == form_url(council_a, "feedback:public_thanks")
    item = PublicFeedback.objects.get()
    assert (item.council, item.form, item.anonymous) == (council_a, "standard", True)


def test_the_easy_read_form_is_recorded_as_easy_read(client, council_a):
    page = client.get(form_url(council_a, "feedback:public_form_easy")).content.decode()
    assert "Was your help good?" in page and "You do not have to tell us your name." in page
    client.post(form_url(council_a, "feedback:public_form_easy"), {**GOOD, "experience": "mixed"})
    assert PublicFeedback.objects.get().form == "easy_read"


def test_empty_feedback_is_explained_and_other_answers_kept(client, council_a):
    page = client.post(form_url(council_a), {**GOOD, "feedback": "", "name": "Ann"}).content.decode()
    assert "There is a problem" in page and "Tell us about your experience" in page
    assert 'value="Ann"' in page
    assert not PublicFeedback.objects.exists()


def test_feedback_appears_only_in_its_own_councils_inbox_and_html_is_shown_inert(
    client, council_a, council_b, make_member
):
    client.post(form_url(council_a), {**GOOD, "feedback": '<script>alert("x")</script><b>bold</b>'})
    quality_a = activate_totp(make_member(council_a, "quality_team"))
    quality_b = activate_totp(make_member(council_b, "quality_team"))
    client.force_login(quality_b)
    assert (
        "alert" not in client.get(reverse("feedback:inbox", kwargs={"council_slug": council_b.slug})).content.decode()
    )
    client.force_login(quality_a)
    inbox = client.get(reverse("feedback:inbox", kwargs={"council_slug": council_a.slug})).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in inbox
    assert "<script>alert" not in inbox
    item = PublicFeedback.objects.get()
    page = client.get(reverse("feedback:inbox_item", kwargs={"council_slug": council_a.slug, "item_pk": item.pk}))
    assert "&lt;script&gt;" in page.content.decode() and "<b>bold</b>" not in page.content.decode()


def test_the_eleventh_submission_in_a_minute_from_one_address_is_refused_politely(client, council_a):
    for _ in range(10):
        assert client.post(form_url(council_a), GOOD).status_code == 302
    response = client.post(form_url(council_a), GOOD)
    assert response.status_code == 429
    assert "Please wait a minute and then send your feedback again." in response.content.decode()
    assert PublicFeedback.objects.count() == 10
    other = client.post(form_url(council_a), GOOD, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # another address is not held back


def test_the_honeypot_catches_scripts_and_stores_nothing(client, council_a):
    response = client.post(form_url(council_a), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not PublicFeedback.objects.exists()


def test_feedback_is_limited_in_size(client, council_a):
    page = client.post(form_url(council_a), {**GOOD, "feedback": "x" * 5001}).content.decode()
    assert "Your feedback must be 5000 characters or fewer" in page


def test_a_one_time_link_joins_feedback_to_the_review_once_and_reveals_nothing(client, world):
    review = world.allocate()
    link = FeedbackLink.objects.create(council=world.council, review=review, created_by=world.service_manager)
    url = form_url(world.council, "feedback:public_form_token", token=link.token)
    page = client.get(url).content.decode()
    assert review.case.pin not in page and review.case.team.name not in page and str(review.reviewer) not in page
    client.post(url, GOOD)
    assert PublicFeedback.objects.get().review == review
    page = client.get(url).content.decode()
    assert "This link has already been used" in page
    client.post(url, GOOD)
    assert PublicFeedback.objects.filter(review__isnull=True).count() == 1


def test_a_token_for_one_councils_review_does_not_work_on_another_councils_form(client, world):
    review = world.allocate()
    link = FeedbackLink.objects.create(council=world.council, review=review, created_by=world.service_manager)
    somerset = CouncilFactory(slug="somerset")
    url = form_url(somerset, "feedback:public_form_token", token=link.token)
    assert "This link has already been used or has expired" in client.get(url).content.decode()
    client.post(url, GOOD)
    item = PublicFeedback.objects.get()
    assert item.council == somerset and item.review is None
    link.refresh_from_db()
    assert link.used_at is None  # still usable on its own council's form


def test_the_short_link_and_qr_code_lead_to_the_form(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    response = client.post(
        reverse("feedback:link_create", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}), follow=True
    )
    page = response.content.decode()
    link = FeedbackLink.objects.get(review=review)
    assert f"/f/derbyshire/{link.token}/" in page
    assert 'src="data:image/svg+xml;base64,' in page and 'alt="QR code for the feedback form link"' in page
    client.logout()
    assert client.get(f"/f/derbyshire/{link.token}/").url == form_url(
        world.council, "feedback:public_form_token", token=link.token
    )


@pytest.mark.parametrize("name", ["feedback:public_form", "feedback:public_form_easy", "feedback:public_thanks"])
def test_public_pages_show_the_council_and_no_way_into_the_staff_service(client, council_a, make_member, name):
    # Even a member of staff, signed in, sees the public's page as the public does.
    client.force_login(make_member(council_a, "service_manager"))
    page = client.get(form_url(council_a, name)).content.decode()
    header = page.split('<header class="qa-header"')[1].split("</section>")[0]
    assert council_a.name in header and "Give feedback about adult social care" in header
    assert "<a " not in header  # the council's name is not a link to the staff home page
    for staff_link in ["/accounts/login/", "/accounts/logout/", "/accounts/2fa/", f"/{council_a.slug}/reviews/"]:
        assert staff_link not in page
    assert "QA Portal" not in page


def test_the_thank_you_page_gives_a_reference_the_quality_team_can_find(client, council_a, make_member):
    page = client.post(form_url(council_a), GOOD, follow=True).content.decode()
    item = PublicFeedback.objects.get()
    assert item.reference == f"FB-{item.pk:06d}"
    assert f"Your reference is<br><strong>{item.reference}</strong>" in page
    client.force_login(activate_totp(make_member(council_a, "quality_team")))
    detail = client.get(reverse("feedback:inbox_item", kwargs={"council_slug": council_a.slug, "item_pk": item.pk}))
    assert f"Feedback {item.reference}" in detail.content.decode()


def test_the_easy_read_form_says_what_went_wrong_in_easy_words(client, council_a):
    url = form_url(council_a, "feedback:public_form_easy")
    page = client.post(url, {**GOOD, "feedback": "", "experience": "nonsense"}).content.decode()
    assert "Please tell us what happened." in page and "Please choose one answer." in page
    assert "Tell us about your experience" not in page.split("govuk-error-summary")[1][:1500]
    assert not PublicFeedback.objects.exists()


def test_each_easy_read_question_has_a_simple_picture_with_words_for_it(client, council_a):
    page = client.get(form_url(council_a, "feedback:public_form_easy")).content.decode()
    pictures = re.findall(r'<img class="qa-easy-read__picture" src="([^"]+)" alt="([^"]+)"', page)
    assert len(pictures) == 6 and all(alt.startswith("A picture of") for _src, alt in pictures)
    for src, _alt in pictures:
        # Our own drawings, among our static files: nothing is fetched from elsewhere.
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src
