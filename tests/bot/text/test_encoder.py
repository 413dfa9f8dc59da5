"""The sentence encoder: the packaged all-MiniLM-L6-v2 weights, run with numpy."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.text import encoder
from bot.text.encoder import EncoderError, SentenceEncoder

WEATHER = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]


@pytest.fixture(scope="module")
def model() -> SentenceEncoder:
    loaded = SentenceEncoder.load(encoder.PACKAGED)
    assert loaded is not None
    return loaded


def test_cosines_match_the_published_ones(model: SentenceEncoder) -> None:
    # sentence-transformers' quick start gives these for all-MiniLM-L6-v2:
    # 0.6660, 0.1046, 0.1411
    vectors = np.array([model.encode(s) for s in WEATHER])
    cos = vectors @ vectors.T
    assert cos[0, 1] == pytest.approx(0.6660, abs=5e-4)
    assert cos[0, 2] == pytest.approx(0.1046, abs=5e-4)
    assert cos[1, 2] == pytest.approx(0.1411, abs=5e-4)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)


def test_same_happening_in_other_words_is_closer_than_same_words_other_happening(
    model: SentenceEncoder,
) -> None:
    swap = model.encode("Russia and Ukraine exchange hundreds of prisoners of war")
    pows = model.encode("Kyiv and Moscow trade captured soldiers in a large swap")
    talks = model.encode("Russia and Ukraine hold a new round of peace talks")
    assert float(swap @ pows) > float(swap @ talks)


def test_tokens_split_punctuation_strip_accents_and_cap_the_length(
    model: SentenceEncoder,
) -> None:
    vocab = model.vocab
    ids = model.tokens("Zürich, café!")
    words = ["[CLS]", "zurich", ",", "cafe", "!", "[SEP]"]
    assert ids == [vocab[w] for w in words]
    pieces = model.tokens("unaffable")  # not a word of its own: WordPiece pieces
    assert len(pieces) > 3 and all(i != vocab["[UNK]"] for i in pieces)
    assert model.tokens("x" * 200)[1] == vocab["[UNK]"]
    long = model.tokens("word " * 500)
    assert len(long) == encoder.MAX_TOKENS and long[-1] == vocab["[SEP]"]
    assert not model.encode("   ").any()


def test_pack_keeps_the_cosine_and_refuses_garbage(model: SentenceEncoder) -> None:
    a, b = (model.encode(s) for s in WEATHER[:2])
    ua, ub = encoder.unpack(encoder.pack(a)), encoder.unpack(encoder.pack(b))
    assert encoder.cosine(ua, ub) == pytest.approx(float(a @ b), abs=0.01)
    assert encoder.unpack("") is None
    assert encoder.unpack("not base64 !") is None
    assert encoder.cosine(ua, encoder.unpack(encoder.pack(a[:10]))) is None


def test_the_packaged_model_loads_once_per_process(model: SentenceEncoder) -> None:
    assert SentenceEncoder.load(encoder.PACKAGED) is model


def test_off_is_no_encoder_and_a_bad_source_is_a_clear_error(tmp_path: Path) -> None:
    assert SentenceEncoder.load("off") is None
    with pytest.raises(EncoderError, match="not a known package"):
        SentenceEncoder.load(str(tmp_path / "nowhere"))
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        (tmp_path / name).write_bytes(b"{}")
    with pytest.raises(EncoderError, match="cannot be read"):
        SentenceEncoder.load(str(tmp_path))


def test_a_folder_or_zip_with_the_three_files_loads(tmp_path: Path, model: SentenceEncoder) -> None:
    spec_zip = Path(encoder.packaged_archive(encoder.PACKAGED))
    with zipfile.ZipFile(spec_zip) as archive:
        for name in ("config.json", "tokenizer.json", "model.safetensors"):
            (tmp_path / name).write_bytes(archive.read(name))
    folder = SentenceEncoder.load(str(tmp_path))
    assert folder is not None
    assert float(folder.encode(WEATHER[0]) @ model.encode(WEATHER[0])) == pytest.approx(1.0)


def test_other_weights_under_the_packaged_name_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "model.zip"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("model.safetensors", b"\x00" * 16)
        archive.writestr("config.json", "{}")
    monkeypatch.setattr(encoder, "packaged_archive", lambda name: fake)
    encoder._packaged.cache_clear()  # the module's fixture loaded the real one already
    with pytest.raises(EncoderError, match="not the expected weights"):
        SentenceEncoder.load(encoder.PACKAGED)
