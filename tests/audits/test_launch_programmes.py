"""The launch councils' programmes are data (audits/programmes/*.json), checked like the catalogues."""

import copy

import pytest

from audits.programme.loading import ProgrammeInvalid, load_programme, programme_definition, validate_programme

COUNCILS = ["derbyshire", "somerset", "lincolnshire", "coventry"]


@pytest.mark.parametrize("slug", COUNCILS)
def test_each_launch_programme_matches_the_format_and_its_councils_catalogue(load_council_catalogue, slug):
    council = load_council_catalogue(slug)
    data = programme_definition(slug)
    assert data["council"] == slug and data["source"]
    assert validate_programme(data, council=council) == []
    programme = load_programme(council)
    assert programme.rules.count() == len(data["rules"])
    assert load_programme(council).pk == programme.pk  # loading twice creates nothing new


def test_a_programme_naming_a_template_the_catalogue_lacks_is_refused_and_nothing_is_made(load_council_catalogue):
    council = load_council_catalogue("derbyshire")
    data = copy.deepcopy(programme_definition("derbyshire"))
    data["rules"][0]["template"] = "no-such-template"
    data["rules"][1]["months"] = [13]
    with pytest.raises(ProgrammeInvalid) as exc:
        load_programme(council, data=data)
    assert any("months" in e for e in exc.value.errors)
    assert not council.programmes.exists()
    del data["rules"][1]["months"]
    data["rules"][1] = {**programme_definition("derbyshire")["rules"][1]}
    with pytest.raises(ProgrammeInvalid) as exc:
        load_programme(council, data=data)
    assert exc.value.errors == [
        'Rule 1 ("Long-term teams: PSR"): there is no template "no-such-template" in the catalogue'
    ]
