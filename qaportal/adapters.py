from allauth.account.adapter import DefaultAccountAdapter

from .net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Council admins create accounts; nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        # Sign-in rate limits count the same address as every other limit of ours.
        return client_ip(request)

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        # Signing in and out is plain from the page people land on; a banner would only add noise.
        if message_template in {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}:
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )
