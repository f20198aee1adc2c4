import datetime

import factory

from audits.models import Case, Review
from qaportal.models import Council, Membership, Team, User
from qaportal.roles import TeamKind


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Council")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Long Term Team {n}")
    kind = TeamKind.LONG_TERM
    service = "North"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    council = factory.SubFactory(CouncilFactory)
    user = factory.SubFactory(UserFactory)
    role = "practitioner"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    council = factory.SubFactory(CouncilFactory)
    pin = factory.Sequence(lambda n: f"{1000000 + n}")
    team = factory.SubFactory(TeamFactory, council=factory.SelfAttribute("..council"))


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row as it would stand; journeys and rule tests create reviews through the services."""

    class Meta:
        model = Review

    council = factory.SubFactory(CouncilFactory)
    case = factory.SubFactory(CaseFactory, council=factory.SelfAttribute("..council"))
    reviewer = factory.SubFactory(UserFactory)
    period = factory.LazyFunction(lambda: datetime.date.today().replace(day=1))
