"""``bench.run``: one line per figure from each benchmark's output."""

from __future__ import annotations

from bench.common import percentile
from bench.run import BENCHES, Bench, figure_lines

ENTITIES = Bench("entities", "entities", full=())
TABLE_OUTPUT = """| system (13 articles) | actors F1 | locations F1 | country ok |
| --- | --- | --- | --- |
| plain en_core_web_sm | 0.77 | 0.82 | 0.02 |
| **briefbot** | **0.98** | **0.97** | **0.95** |

13 articles, 2682 words.
"""


def test_a_benchmarks_own_figure_lines_are_taken_as_they_are() -> None:
    output = "| a | b |\n| --- | --- |\n| x | 1 |\nsummary R1 42.1 (lead-3 41.3, ratio 1.02)\n"
    lines = figure_lines(Bench("summaries", "summary"), output)
    assert lines == ["summary R1 42.1 (lead-3 41.3, ratio 1.02)"]


def test_table_rows_become_lines_with_briefbots_ratio_to_the_baseline() -> None:
    lines = figure_lines(ENTITIES, TABLE_OUTPUT)
    assert lines[0] == (
        "entities plain en_core_web_sm: actors F1 0.77, locations F1 0.82, country ok 0.02"
    )
    assert lines[1].startswith("entities briefbot: actors F1 0.98, locations F1 0.97")
    assert lines[1].endswith("(ratio to plain en_core_web_sm: actors F1 1.27, locations F1 1.18)")
    assert lines[2] == "entities note: 13 articles, 2682 words."


def test_two_column_tables_read_as_name_and_value() -> None:
    output = "| measure | value |\n|---|---|\n| developments found | 4 |\n"
    assert figure_lines(Bench("developments", "developments"), output) == [
        "developments developments found: 4"
    ]


def test_every_benchmark_module_is_listed_once() -> None:
    names = [b.name for b in BENCHES]
    assert len(names) == len(set(names))
    assert {"ingest", "brief_latency", "memory", "link_reply", "summaries"} <= set(names)


def test_percentiles_interpolate_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.5
    assert percentile(values, 99) == 99.01
    assert percentile([3.0], 95) == 3.0
