import pytest

from openkap.clinical import session
from openkap.clinical.reports import PublishedDataError, load_published, published


def test_every_published_safety_term_is_in_the_session_vocabulary():
    terms = {term.id for term in session.side_effect_terms()}

    assert {figure.term for figure in published().safety} <= terms


def test_it_carries_the_seeds_session_rates_with_their_study():
    figures = {figure.term: figure for figure in published().safety}

    assert figures["elevated_blood_pressure"].rate == 0.4916
    assert figures["nausea"].rate == 0.1205
    assert "Tsang" in figures["nausea"].study.citation
    assert figures["headache"].verified is False  # [UNVERIFIED] in the research notes


def test_it_refuses_a_rate_that_is_not_a_share(tmp_path):
    path = tmp_path / "published.toml"
    path.write_text(
        'schema = 1\nversion = "x"\n'
        '[[study]]\nid = "s"\ncitation = "c"\npopulation = "p"\nquoted_in = "q"\n'
        '[[safety]]\nterm = "nausea"\nrate = 12.05\nstudy = "s"\nnote = "n"\nverified = true\n'
    )

    with pytest.raises(PublishedDataError, match="rate"):
        load_published(path)


def test_it_refuses_a_figure_of_an_unknown_study(tmp_path):
    path = tmp_path / "published.toml"
    path.write_text(
        'schema = 1\nversion = "x"\n'
        '[[study]]\nid = "s"\ncitation = "c"\npopulation = "p"\nquoted_in = "q"\n'
        '[[safety]]\nterm = "nausea"\nrate = 0.1\nstudy = "other"\nnote = "n"\nverified = true\n'
    )

    with pytest.raises(PublishedDataError, match="study"):
        load_published(path)
