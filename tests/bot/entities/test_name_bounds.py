"""Where a name starts and ends in news English (issue 13, fifth round): titles,
occupations, nationalities and honours beside a person's name are no part of it, a
generational suffix is; organisations' names run on over "and", possessive people nouns
and the common word that ends them. Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import Analysis, EntityAnalyzer
from tests.bot.entities.forms import forms


def actors(a: Analysis) -> dict[str, str]:
    return forms(a.actors)


def names(a: Analysis) -> set[str]:
    return set(forms([*a.actors, *a.locations]))


def test_an_occupation_before_a_name_is_no_part_of_it(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The ward closed last year. Matron Helen Briggs said the new unit would open in May. "
        "Cleaner Rosa Delgado Ortega, 48, said she found the box near the church. "
        "Triathlete Megan Lowe, 29, said she trained every morning.",
    )
    found = actors(a)
    for person in ("Helen Briggs", "Rosa Delgado Ortega", "Megan Lowe"):
        assert found.get(person) == "person", person
    assert not {"Matron Helen Briggs", "Cleaner Rosa Delgado Ortega"} & names(a)


def test_a_rank_or_honorific_is_cut_also_inside_a_span(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Defence attaché Capt Ivan Petrov handed medals to the veterans in Portsmouth. "
        "Officers from Flagstaff Police Sgt Mark Denton, 40, was injured in the shooting. "
        "Soprano Dame Anna Hollis said she loved the hall.",
    )
    found = actors(a)
    assert found.get("Ivan Petrov") == "person"
    assert found.get("Mark Denton") == "person"
    assert found.get("Flagstaff Police") == "organization"
    assert found.get("Anna Hollis") == "person"
    assert not any(n.startswith(("Capt", "Dame", "Sgt")) for n in names(a))


def test_a_position_before_a_surname_is_cut(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze("", "Defender Keane missed the game with a knee injury.")
    assert actors(a).get("Keane") == "person"
    assert "Defender Keane" not in names(a)


def test_a_nationality_before_a_full_name_is_cut(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "", "He could not match Chilean Mateo Rojas Silva, who finished two shots ahead."
    )
    assert actors(a).get("Mateo Rojas Silva") == "person"
    assert "Chilean Mateo Rojas Silva" not in names(a)


def test_post_nominals_go_generational_suffixes_stay(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Judge Peter Lawson QC jailed the two men on Friday. Judge Peter Lawson QC said "
        "they had shown no remorse. The band included singer Marvin Gaye Jr. and drummer "
        "Tom Sloane Jr. on stage.",
    )
    found = actors(a)
    assert found.get("Peter Lawson") == "person"
    assert not {"Peter Lawson QC", "QC"} & names(a)
    assert found.get("Marvin Gaye Jr") == "person"
    assert found.get("Tom Sloane Jr") == "person"


def test_a_rank_figure_or_repeated_surname_ends_no_name(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Nico Hulkenberg 14th and Kevin Magnussen 16th were out in the second session. "
        "He will start ahead of Lando Norris and Charles Leclerc Leclerc, who won last time "
        "out, shook hands with Norris.",
    )
    found = actors(a)
    assert found.get("Kevin Magnussen") == "person"
    assert found.get("Charles Leclerc") == "person"
    assert not {"Kevin Magnussen 16th", "Charles Leclerc Leclerc"} & names(a)


def test_a_list_heading_after_a_name_is_cut(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The match kicks off at 3pm. Referee: Michael Oliver Managers: Sean Dyche (Burnley), "
        "Eddie Howe (Bournemouth).",
    )
    assert "Michael Oliver Managers" not in names(a)


def test_an_organisation_keeps_its_last_common_word(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "He appeared at Leeds Crown Court on Monday. Officers from the Metropolitan Police "
        "arrested him in March. A spokeswoman for the Department for Business and Local "
        "Government said councils were responsible.",
    )
    found = actors(a)
    assert found.get("Leeds Crown Court") == "organization"
    assert found.get("Metropolitan Police") == "organization"
    assert found.get("Department for Business and Local Government") == "organization"
    assert not {"Leeds Crown", "Metropolitan"} & names(a)


def test_a_people_noun_before_a_possessive_stays_in_the_name(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "", "Funding came from the United Nations Children's Fund last year, the report said."
    )
    assert actors(a).get("United Nations Children's Fund") == "organization"
    assert "Fund" not in names(a)


def test_an_organisation_of_two_fields_runs_on_over_and(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Ana Ruiz from the Northern Conservatoire of Music and Dance, Manchester said the "
        "course was full. A spokeswoman for the Ministry of Defence and Russia's envoy met.",
    )
    found = actors(a)
    assert found.get("Northern Conservatoire of Music and Dance") == "organization"
    assert "Dance" not in names(a)
    assert "Ministry of Defence and Russia" not in names(a)


def test_lower_case_words_bound_a_name(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Steel union Community said it welcomed the talks. He waited at Augusta National "
        "of seven months before he played.",
    )
    assert actors(a).get("Community") == "organization"
    assert "Augusta National" in names(a)
    assert not {"Steel union Community", "Augusta National of seven months"} & names(a)


def test_and_does_not_join_the_start_of_another_name(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "", "Students at the University of California at Berkeley and Ludwig van Beethoven fans."
    )
    assert "University of California at Berkeley" in names(a)
    assert "University of California at Berkeley and Ludwig" not in names(a)


def test_two_names_run_together_are_split(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "McLaren had a hard weekend in Monza. Lando Norris was only fourth on Saturday for "
        "McLaren Lando Norris starts fourth and will need a good start. McLaren said the "
        "car was slow.",
    )
    found = names(a)
    assert {"McLaren", "Lando Norris"} <= found
    assert "McLaren Lando Norris" not in found


def test_a_name_ends_before_a_verb_or_an_article(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Germany's Spiegel Online quoted Belgian Finance Minister Johan Van Overtveldt as "
        "saying it. A spokesman for Torquay Magistrates' Court said the case was adjourned.",
    )
    found = actors(a)
    assert found.get("Spiegel Online") == "organization"
    assert found.get("Torquay Magistrates' Court") == "organization"
    assert not {"Spiegel Online quoted", "Torquay Magistrates"} & names(a)


def test_a_squad_list_is_several_people(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Leicester named their squad on Friday. Provisional squad: Schmeichel, Schwarzer, "
        "Hamer, Simpson, Moore, Upson, Huth.",
    )
    assert not any("," in n for n in names(a))
    assert {"Schmeichel", "Schwarzer"} <= set(actors(a))


def test_a_name_the_ner_cut_after_and_runs_on(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The dog took a rope out to his owner at the Clarence J. Brown Dam and Reservoir in "
        "Springfield, Ohio, on Saturday.",
    )
    assert "Clarence J. Brown Dam and Reservoir" in names(a)
    assert not {"Reservoir", "Clarence J. Brown Dam and"} & names(a)


def test_a_place_in_a_table_ends_a_name(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Villa lost 3-0 at home. The defeat leaves Villa fourth in the race for a place in Europe.",
    )
    assert "Villa fourth" not in names(a)
