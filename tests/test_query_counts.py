"""Every council page reads a fixed number of queries whatever the data (issue: Scale, 4): each page of
the resolver is visited by someone holding every role, with one of everything and then with ten
times more, and no page may read more queries the second time. A page that loops over rows with a
query each (an N+1) fails here before it slows a council with ten years of history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qaportal.roles import Role
from tests.conftest import activate_totp
from tests.objects import every_role, more_of_everything, one_of_everything
from tests.qaportal.test_tenancy import _council_url_names, _route_kwargs


@pytest.fixture
def everything(council_a, make_member):
    user = make_member(council_a, Role.COUNCIL_ADMIN)
    every_role(council_a, user)
    activate_totp(user)
    return user, one_of_everything(council_a, catalogue="derbyshire", reviewer=user)


def _queries_per_page(client, council, objects) -> dict[str, int]:
    counts = {}
    for name, _converters, route in _council_url_names():
        kwargs = {"council_slug": council.slug}
        kwargs.update({k: objects[k] for k in _route_kwargs(route) if k != "council_slug"})
        url = reverse(name, kwargs=kwargs)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code == 200:
            counts[name] = len(captured.captured_queries)
    return counts


def test_no_council_page_reads_more_queries_with_ten_times_the_data(client, council_a, everything):
    user, objects = everything
    client.force_login(user)
    small = _queries_per_page(client, council_a, objects)
    assert len(small) > 40, "most council pages answer someone holding every role"
    more_of_everything(council_a, reviewer=user, objects=objects, n=10)
    large = _queries_per_page(client, council_a, objects)
    grown = {name: (small[name], large[name]) for name in small if large.get(name, 0) > small[name]}
    assert not grown, f"pages whose queries grow with the data (one of everything, ten times more): {grown}"
