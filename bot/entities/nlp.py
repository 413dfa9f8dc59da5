"""Loading the spaCy pipeline.

The entity stage needs the tagger (proper nouns), the parser (sentences and
adjective/noun use) and the NER. The lemmatizer is loaded but disabled: it
costs time on every document and nothing in briefbot reads lemmas. A caller
that wants it back can ``nlp.enable_pipe("lemmatizer")``.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from bot.errors import ConfigError

DISABLED_BY_DEFAULT = ("lemmatizer",)


def load_pipeline(model: str, *, disable: tuple[str, ...] = DISABLED_BY_DEFAULT) -> Language:
    """Load a spaCy pipeline by package name, with ``disable`` pipes switched off.

    Raises ``ConfigError`` naming the package to install when it is missing.
    """
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"spaCy model {model!r} is not installed: run `pip install {model}` "
            f"(or set BRIEFBOT_SPACY_MODEL to an installed pipeline)"
        ) from exc
    for name in disable:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    return nlp
