"""The language detector, on short news-like texts written for these tests."""

from __future__ import annotations

import pytest

from bot.ingest.language import SUPPORTED, detect_language, normalize_tag

SAMPLES = {
    "en": "The council said on Monday that the new bridge would open in the spring, and that "
    "the old one was to be closed for repairs by the end of the year.",
    "de": "Der Rat teilte am Montag mit, dass die neue Brücke im Frühjahr eröffnet werden soll "
    "und die alte bis zum Ende des Jahres für Reparaturen gesperrt wird.",
    "fr": "Le conseil a indiqué lundi que le nouveau pont ouvrira au printemps et que l'ancien "
    "sera fermé pour des travaux avant la fin de l'année.",
    "es": "El consejo dijo el lunes que el nuevo puente se abrirá en la primavera y que el "
    "antiguo se cerrará por reparaciones antes de que termine el año.",
    "it": "Il consiglio ha detto lunedì che il nuovo ponte sarà aperto in primavera e che il "
    "vecchio sarà chiuso per lavori entro la fine dell'anno.",
    "pt": "O conselho disse na segunda-feira que a nova ponte vai abrir na primavera e que a "
    "antiga será fechada para obras até ao fim do ano, como foi prometido.",
    "nl": "De raad zei maandag dat de nieuwe brug in het voorjaar opengaat en dat de oude voor "
    "het einde van het jaar wordt gesloten voor herstel.",
    "sv": "Rådet meddelade på måndagen att den nya bron öppnar till våren och att den gamla "
    "stängs för reparationer före årets slut, vilket många boende har väntat på.",
    "da": "Byrådet meddelte mandag, at den nye bro åbner til foråret, og at den gamle bliver "
    "lukket for reparationer inden årets udgang, hvilket mange beboere har ventet på.",
    "pl": "Rada poinformowała w poniedziałek, że nowy most zostanie otwarty wiosną, a stary "
    "będzie zamknięty na czas remontu do końca roku.",
    "tr": "Meclis pazartesi günü yeni köprünün ilkbaharda açılacağını ve eski köprünün yıl "
    "sonuna kadar onarım için kapatılacağını açıkladı, bu karar çok tartışıldı.",
    "ru": "Совет в понедельник сообщил, что новый мост откроют весной, а старый закроют на "
    "ремонт до конца года, и жители уже обсуждают объезды.",
    "uk": "Рада в понеділок повідомила, що новий міст відкриють навесні, а старий закриють на "
    "ремонт до кінця року, і мешканці вже шукають об'їзди.",
    "ar": "قال المجلس يوم الاثنين إن الجسر الجديد سيفتح في الربيع وإن الجسر القديم سيغلق "
    "للإصلاح قبل نهاية العام.",
    "ja": "議会は月曜日、新しい橋が春に開通し、古い橋は年末までに修理のため閉鎖されると発表した。",
    "ko": "의회는 월요일 새 다리가 봄에 개통되고 옛 다리는 연말까지 보수를 위해 폐쇄된다고 밝혔다.",
    "zh": "议会周一表示，新桥将于春季通车，旧桥将在年底前关闭进行维修。",
}


def test_every_supported_language_has_a_sample() -> None:
    assert set(SAMPLES) == set(SUPPORTED)


@pytest.mark.parametrize(("lang", "text"), SAMPLES.items(), ids=list(SAMPLES))
def test_detects_each_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en-GB", "en"), ("pt_BR", "pt"), ("DE", "de"), ("", None), (None, None), ("x1", None)],
)
def test_normalize_tag(tag: str | None, expected: str | None) -> None:
    assert normalize_tag(tag) == expected


def test_declared_language_is_trusted_for_short_or_unclear_text() -> None:
    assert detect_language("OK", "es") == "es"
    assert detect_language("Fotos: 12 de enero", "es-MX") == "es"


def test_declared_language_loses_to_another_script() -> None:
    assert detect_language(SAMPLES["ru"], "en") == "ru"
    assert detect_language(SAMPLES["ja"], "en-US") == "ja"


def test_declared_language_loses_to_a_confident_detection_on_long_text() -> None:
    long_german = " ".join([SAMPLES["de"]] * 3)
    assert detect_language(long_german, "en") == "de"


def test_too_little_text_is_unknown() -> None:
    assert detect_language("Bridge") is None
    assert detect_language("") is None
    assert detect_language("12 345 678") is None
