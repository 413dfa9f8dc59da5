"""Sports clubs named after their city are organisations when the sentence is about a
match, national sides in a match report, players of a line-up persons; the city or
country in other uses stays a place (issue 13). Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import Analysis, EntityAnalyzer
from tests.bot.entities.forms import forms


def actors(a: Analysis) -> dict[str, str]:
    return forms(a.actors)


def places(a: Analysis) -> set[str]:
    return set(forms(a.locations))


def test_clubs_that_beat_or_draw_are_organisations(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Leicester beat Norwich 2-1 on Saturday. Groningen drew with Utrecht, and Sheffield "
        "lost to Bristol in the last minute.",
    )
    found = actors(a)
    for club in ("Leicester", "Norwich", "Groningen", "Utrecht", "Sheffield", "Bristol"):
        assert found.get(club) == "organization", club
    assert not {"Leicester", "Norwich", "Groningen", "Utrecht"} & places(a)


def test_a_club_named_with_its_first_word_or_by_its_coach_is_an_organisation(
    analyzer: EntityAnalyzer,
) -> None:
    a = analyzer.analyze(
        "",
        "Sporting Lisbon 0-3 Club Brugge\n\nThe visitors scored twice before the break. "
        "Southampton head coach Tom Reed praised his side after a 3-1 win over Crystal Palace.",
    )
    found = actors(a)
    assert found.get("Sporting Lisbon") == "organization"
    assert found.get("Club Brugge") == "organization"
    assert found.get("Southampton") == "organization"
    assert found.get("Crystal Palace") == "organization"
    assert not {"Lisbon", "Brugge", "Southampton", "Crystal Palace"} & places(a)


def test_the_city_in_other_uses_stays_a_place(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Floods hit Leicester on Monday. Liverpool hosted the climate talks, and the council "
        "in Sheffield opened two shelters.",
    )
    assert {"Leicester", "Liverpool", "Sheffield"} <= places(a)
    assert not {"Leicester", "Liverpool", "Sheffield"} & set(actors(a))


def test_a_country_that_wins_a_match_in_a_lone_sentence_stays_a_place(
    analyzer: EntityAnalyzer,
) -> None:
    # one sentence is no match report: a national side needs a report around it
    a = analyzer.analyze("", "France beat Spain 2-1 in the final in Berlin on Sunday.")
    assert {"France", "Spain", "Berlin"} <= places(a)


def test_national_sides_in_a_sports_report_are_organisations(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Portugal were beaten by Croatia in the quarter-final on Friday. The coach said his "
        "side had too few chances. Croatia play Norway next, and the squad flies to Oslo on "
        "Sunday. Norway have won five of their six qualifiers.",
    )
    found = actors(a)
    for side in ("Portugal", "Croatia", "Norway"):
        assert found.get(side) == "organization", side
    assert "Oslo" in places(a)
    assert not {"Portugal", "Croatia", "Norway"} & places(a)


def test_a_country_in_a_sports_report_used_as_a_place_stays_a_place(
    analyzer: EntityAnalyzer,
) -> None:
    a = analyzer.analyze(
        "",
        "The Spanish striker scored twice in the league on Saturday. He moved to Italy in "
        "2019 and met his coach in Italy. Sweden's Anna Berg, his agent, said the season had "
        "been long. His goals won the club the title.",
    )
    assert {"Italy", "Sweden"} <= places(a)
    assert not {"Italy", "Sweden"} & set(actors(a))


def test_an_age_side_is_a_team_of_its_own(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The midfielder won 20 caps for the Wales Under-21 side before his league debut. He "
        "scored the winning goal.",
    )
    assert actors(a).get("Wales Under-21") == "organization"


def test_clubs_in_cricket_and_rugby_reports_are_organisations(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Having lost to Durham in the semi-final, Essex were bowled out for 180. Their "
        "bowler took three wickets in the first innings. In rugby, Gloucester begin their "
        "season against Exeter on Friday, a year after their winger's move to Bath.",
    )
    found = actors(a)
    for club in ("Durham", "Gloucester", "Exeter", "Bath"):
        assert found.get(club) == "organization", club
    assert not {"Durham", "Exeter", "Bath"} & places(a)


def test_a_final_between_two_clubs_and_a_score_after_versus(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The cup semi-final between Bristol and Plymouth drew a record crowd. The league "
        "leaders have scored in every home game this season (3-0 vs Burnley).",
    )
    found = actors(a)
    for club in ("Bristol", "Plymouth", "Burnley"):
        assert found.get(club) == "organization", club


def test_a_clubs_player_and_former_player(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The former Middlesbrough man scored in the league on Sunday. He fouled Southampton's "
        "Tom Hale, and the referee gave a penalty. The coach was pleased with the points.",
    )
    found = actors(a)
    assert found.get("Middlesbrough") == "organization"
    assert found.get("Southampton") == "organization"


def test_a_man_from_a_city_in_a_sports_report_keeps_his_city(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The Sheffield man, who beat Tom Hale 10-2 in the first round, plays in the "
        "quarter-final on Monday. The tournament's referee praised both players.",
    )
    assert "Sheffield" in places(a)


def test_a_line_up_names_players_and_its_club(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Stoke scored twice in the second half to win the league match.\n\n"
        "Burnley: Pope, Lowton, Mee, Tarkowski (Long 80), Taylor, Westwood, Barnes, "
        "Wood.\n\nSubs not used: Heaton, Hendrick, Crewe, Brady.\n\n"
        "Referee: Mike Dean. The coach said the points mattered.",
    )
    found = actors(a)
    for player in ("Pope", "Lowton", "Mee", "Tarkowski", "Long", "Taylor", "Westwood",
                   "Barnes", "Wood", "Heaton", "Hendrick", "Crewe", "Brady"):  # fmt: skip
        assert found.get(player) == "person", player
    assert found.get("Burnley") == "organization"
    assert not {"Crewe", "Burnley", "Westwood", "Barnes"} & places(a)


def test_a_list_of_managers_is_no_line_up(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The league leaders face the champions on Saturday. Managers: Sean Dyche (Burnley), "
        "Eddie Howe (Bournemouth). The coach praised his squad.",
    )
    found = actors(a)
    assert found.get("Sean Dyche") == "person"
    assert "Burnley (" not in " ".join(found)


def test_a_short_report_names_national_sides(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The former Southampton man won 40 caps for Denmark. He was part of the squad at two "
        "tournaments. The decision was his own, he said. His family agreed. He thanked the "
        "fans. He moved house last year. He scored in Denmark's 3-0 victory over Malta.",
    )
    found = actors(a)
    for side in ("Denmark", "Malta", "Southampton"):
        assert found.get(side) == "organization", side
    assert not {"Denmark", "Malta"} & places(a)


def test_a_league_table_of_countries_keeps_them_places(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Britain came 11th in the league table of countries for health. The table puts "
        "Norway at the top this season. Britain loses out to the Nordic countries, Canada "
        "and Australia, the index says. Its title is the social progress league.",
    )
    assert {"Canada", "Australia", "Norway"} <= places(a)


def test_a_side_named_by_what_it_is(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Italy were knocked out of the tournament by the holders Argentina in the "
        "quarter-final. The coach blamed the referee. The squad flies home on Monday.",
    )
    found = actors(a)
    assert found.get("Argentina") == "organization"
    assert found.get("Italy") == "organization"


def test_a_clubs_short_name_and_nickname_are_the_club(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Swansea City were beaten 2-0 by Everton on Saturday. Swansea had won their previous "
        "two league games, but the Swans conceded twice after half-time. Manager Paul Clement "
        "said the defeat hurt.",
    )
    swansea = [e for e in a.actors if "Swansea City" in [e.name, *e.aliases]]
    assert len(swansea) == 1
    assert {"Swansea", "Swans"} <= set(swansea[0].aliases)
    assert "Swansea" not in places(a)


def test_a_fixture_list_and_a_match_between_two_clubs(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Remaining fixtures: April 25 Southampton (away) - May 2 Sunderland (home) - May 9 "
        "Norwich (away). The crush happened at the start of a cup semi-final between "
        "Sheffield and Coventry in 1981.",
    )
    found = actors(a)
    for club in ("Southampton", "Sunderland", "Sheffield"):
        assert found.get(club) == "organization", club
    assert not {"Southampton", "Sunderland", "Sheffield"} & places(a)


def test_a_list_of_places_after_a_city_is_no_line_up(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The flood warnings cover these areas. Manchester: Salford, Stockport, Bolton, Wigan, "
        "Oldham. Residents were told to move valuables upstairs.",
    )
    assert "Manchester" in places(a)
    assert not {"Manchester", "Salford", "Bolton"} & set(actors(a))
