"""People choose and reset their passwords by email (allauth), with GOV.UK pages."""

import re

from django.core import mail
from django.urls import reverse


def test_password_reset_by_email_lets_a_person_choose_a_new_password(client, practitioner_a):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "govuk-input" in page
    client.post(reverse("account_reset_password"), {"email": practitioner_a.email})
    (email,) = mail.outbox
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", email.body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_path = response.request["PATH_INFO"]
    client.post(form_path, {"password1": "a-new-long-passphrase-2026", "password2": "a-new-long-passphrase-2026"})
    practitioner_a.refresh_from_db()
    assert practitioner_a.check_password("a-new-long-passphrase-2026")
