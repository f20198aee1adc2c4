"""A catalogue file of the wrong shape is explained, line by line, and nothing is imported.

Each shape below gave a 500 before the file was checked against the declared format
(standards/catalogue.schema.json) first."""

import io
import json

import pytest
from django.urls import reverse

from standards.models import TemplateVersion
from tests.catalogues import catalogue_data


def mutate(path, value):
    def apply(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return data

    return apply


SHAPES = {
    "completed_by_roles: 5": mutate(["templates", 0, "completed_by_roles"], 5),
    "review_kinds: 7": mutate(["templates", 0, "review_kinds"], 7),
    "sections: 5": mutate(["templates", 0, "sections"], 5),
    'framework: ["x"]': mutate(["templates", 0, "framework"], ["x"]),
    "scale: {}": mutate(["templates", 0, "scale"], {}),
    "section kind: [...]": mutate(["templates", 0, "sections", 0, "kind"], ["ratings"]),
    "criteria: 5": mutate(["templates", 0, "standards", 0, "criteria"], 5),
    "expectations: 5": mutate(["templates", 0, "standards", 0, "expectations"], 5),
    "scales: 5": mutate(["scales"], 5),
    "templates: 5": mutate(["templates"], 5),
    "levels: 5": mutate(["scales", 0, "levels"], 5),
    "standards: 5": mutate(["templates", 0, "standards"], 5),
    "title: null": mutate(["templates", 0, "standards", 0, "title"], None),
}


@pytest.fixture
def importing(client, load_council_catalogue, make_member):
    council = load_council_catalogue("derbyshire")
    client.force_login(make_member(council, "quality_team"))
    url = reverse("catalogue:import", kwargs={"council_slug": "derbyshire"})

    def post(raw: bytes):
        upload = io.BytesIO(raw)
        upload.name = "catalogue.json"
        return client.post(url, {"file": upload})

    return post


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_a_wrong_type_is_named_where_it_is_and_nothing_changes(importing, shape):
    before = TemplateVersion.objects.count()
    response = importing(json.dumps(SHAPES[shape](catalogue_data("derbyshire"))).encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert "The catalogue" in page or "Template" in page or "Scale" in page
    assert TemplateVersion.objects.count() == before


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_not_a_number_scores_are_refused(importing, constant):
    text = json.dumps(catalogue_data("derbyshire")).replace('"score": 3', f'"score": {constant}', 1)
    page = importing(text.encode()).content.decode()
    assert "is not a number JSON allows" in page


def test_deeply_nested_arrays_are_refused_without_exhausting_the_stack(importing):
    page = importing(b"[" * 200_000 + b"]" * 200_000).content.decode()
    assert "nested too deeply" in page or "must be an object" in page


def test_a_file_that_is_not_utf8_json_is_explained(importing):
    assert "The file must be JSON saved as UTF-8." in importing(b"\xff\xfe\x00garbage").content.decode()
    assert "The file is not valid JSON" in importing(b"{not json").content.decode()


def test_the_launch_catalogues_match_the_declared_format():
    from standards.catalogue_io import schema_errors

    for slug in ["derbyshire", "somerset", "lincolnshire", "coventry"]:
        assert schema_errors(catalogue_data(slug)) == [], slug


def test_a_name_with_a_newline_never_reaches_an_email_subject(importing):
    data = catalogue_data("derbyshire")
    data["templates"][0]["short_name"] = "PSR\nBcc: everyone@derbyshire.example"
    page = importing(json.dumps(data).encode()).content.decode()
    assert "short name must be on one line" in page
