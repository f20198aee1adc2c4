"""Sign-in is rate limited, so passwords cannot be guessed at speed."""

from django.urls import reverse


def test_repeated_wrong_passwords_are_refused_with_a_clear_message(client, practitioner_a):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": practitioner_a.email, "password": "wrong-password"})
    response = client.post(
        reverse("account_login"), {"login": practitioner_a.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
