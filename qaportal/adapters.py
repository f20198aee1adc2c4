from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Council admins create accounts; nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False
