"""Short information questions: a customer asking, not judging.

"kapan dikirim kak?", "berapa harganya?", 什么时候发货, 门店周日开门吗？ ask for information and
carry no opinion, but the Indonesian and Chinese sentiment heads learnt from reviews and news
comments, where 发货 ("shipping") and *dikirim* ("sent") are mostly complained about: before
this rule both tiers called every one of them negative (0.72-0.93) and, with their aspect read
as negative, a complaint. English messages already need an opinion word to be judged
(:func:`retailpulse.enrich.pipeline._sentiment`); this is the same rule for questions in every
language, kept narrow:

* an **information question word** (:data:`ASKING_CUES`: when, how much, where, is there,
  *kapan*, *berapa*, *apakah*, 什么时候, 多少钱, 吗, 请问...). A question mark alone does not
  count, nor do the cues that open rhetorical complaints as often as questions (*gimana*,
  怎么, 咋: 到半夜竟然没暖气，怎么住啊？, "no heating at midnight, how is one to stay?");
* **no why word** (:data:`WHY_WORDS`: why, how come, *kenapa*, *kok*, 为什么...): "why is it
  so late?" and *kok belum dikirim?* complain;
* a **short message**: at most :data:`MAX_ASKING_SIZE` words, a Han character counting half
  (a line on a phone);
* and, checked by the caller, no complaint or praise cue, emoji or English opinion word.

The short questions of the shared sentiment files are rhetorical and negative (news-comment
insults, hotel complaints): with a question mark alone, or a why word, or up to 15 words, the
rule would have made 2-16 of them neutral. As written it touches none of the 4,460 texts of the
three valid files (and 2 of SmSA's and 2 of ChnSentiCorp's at 15 words), so it moves no
validation figure; its effect is on the retail questions of
``tests/enrich/test_retail_messages.py``.

**Shop-chat questions without an asking word** (:func:`shop_question`). Indonesian and Malay
customers ask a shop in yes/no frames that hold none of those words: *ada ukuran L gak kak?*
("is there a size L?"), *ready kak?*, *bisa COD?*, *Kirim ke Malaysia bisa?*, *Ada promo apa
minggu ini?*; English ones open with an auxiliary ("Is the red one in stock?", "Any promo this
weekend?"). Before, the heads judged them, and half came out as complaints (*ada warna lain
kak?* negative 0.76 with ``product_quality:negative``) or praise (*bisa cod?* positive 0.59).
A frame is one sentence ending in its only question mark, with no negator (the closing
*gak* / *tidak* of "X or not?" aside), no rhetorical particle (*sih*, *masa*, *kok*, *kan*,
*dong*...), and one of:

* an opening *ada* / *masih ada* / *ready* / *stok* / *bisa* / *boleh* / *tersedia* or a
  how-to *cara* (after a greeting or a form of address);
* a closing *ada* / *ready* / *bisa* / *boleh* / *buka*, or *buka* before a day or an hour
  (*Tokonya buka hari minggu?*);
* a closing *apa* in a message that addresses the shop (*kak*, *min*, *gan*, *sis*...);
* an English auxiliary first.

A frame that asks about stock (:func:`asks_for_stock`) names ``availability``. Rhetorical
questions keep their judgement: *gak bisa dipakai??*, *masa gak bisa dikirim?*, *ini apa
sih?*, "pesen apa dikirim apa?". The Chinese forms (:func:`zh_question_expr`) need no
question mark: 有L码没, 包邮不？, 这个有黑色的么, 几号发货. The frames match one train text
(房间设施不, a review cut short) and none of the texts of the shared valid files (their short
questions are rhetorical, or PRDECT-ID's lost emoji), so no figure moves; they were written
for the messages of a shop's inbox, which those files do not hold.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from retailpulse.enrich.cues import cue_matrix
from retailpulse.enrich.lexicon import INTENT_CUES

#: Question cues that open rhetorical questions as often as real ones: a bare question mark,
#: why and how-come words.
RHETORICAL = ("?", "怎么", "为什么", "咋", "kenapa", "mengapa", "gimana", "bagaimana")
#: The question cues that ask for information.
ASKING_CUES = tuple(c for c in INTENT_CUES["question"] if c not in RHETORICAL)
#: Why and how-come words: a question that holds one complains as often as it asks.
WHY_WORDS = ("why", "how come", "kenapa", "mengapa", "kok", "为什么", "为何", "凭什么", "难道")
#: Words of a short message (a Han character counts half).
MAX_ASKING_SIZE = 12

#: Greetings and forms of address that open or close a message to a shop (normalised: *kak*
#: is already *kakak*).
ADDRESS = (
    "kakak", "ka", "min", "admin", "gan", "agan", "sis", "sist", "mbak", "mba", "mas", "bang",
    "bu", "pak", "om", "seller", "halo", "hallo", "hai", "hi", "hello", "permisi", "misi",
    "pagi", "siang", "sore", "malam", "selamat", "bun", "bunda", "koh", "cici", "sista",
)  # fmt: skip
_ADDRESS = "(?:" + "|".join(ADDRESS) + ")"
#: The end of a frame: forms of address and *ya*, then the only question mark.
_TAIL = rf"(?:\s+(?:{_ADDRESS}|ya|yah))*\s*\?\s*$"
#: A greeting or form of address before the question, with its comma or "!" already gone.
_OPENING = rf"^(?:(?:{_ADDRESS}|mau\s+tanya|numpang\s+tanya|tanya)\s+(?:!\s+)?)*"
#: Negators anywhere but in the "or not" of *ada ukuran L gak kak?*, *ada gak size 40?* and
#: *udah ready belum?*.
_NEGATOR = r"(?-u:\b)(?:tidak|tak|belum|bukan|jangan|kurang|not|no|never)(?-u:\b)|n't(?-u:\b)"
#: "X or not?" at the end, or right after the frame's first word.
_OR_NOT_CLOSING = rf"(?-u:\b)(?:tidak|tak){_TAIL}"
_OR_NOT_ALREADY = rf"^(sudah\s.*\S)\s+belum{_TAIL}"
_OR_NOT_OPENING = r"^((?:masih\s+)?(?:ada|ready|bisa|boleh))\s+(?:tidak|tak)(?-u:\b)"
#: Particles and words of a rhetorical or nagging question: *masa gak bisa?*, *ini apa sih?*,
#: *bisa-bisanya gini?*, *katanya ready?*, *ready apanya?*, *ada orang gak?*, *bisa baca gak?*,
#: *ada respon?*, "Do you even read messages?", "Is anyone there?".
_RHETORICAL_PARTICLE = (
    r"(?-u:\b)(?:sih|si|masa|masak|kok|koq|kan|dong|deh|lah|loh|lho|emang|memang|kenapa|"
    r"mengapa|gimana|bagaimana|apaan|macam|tuh|pula|malah|terus|bisanya|katanya|dibilang|"
    r"apanya|maksudnya|orang|otak|baca|kerja|tanggung\s+jawab|jaga|niat|gunanya|respon|"
    r"respons|bal[ae]s|dibal[ae]s|lebih\s+cep[ae]t|even|ever|seriously|serious|kidding|someone|"
    r"anyone|somebody|anybody)(?-u:\b)"
)
_OPENS = (
    r"^(?:masih\s+|apa\s+|apakah\s+|sudah\s+)?"
    r"(?:ada|adakah|ready|stok|stock|bisa|boleh|bisakah|bolehkah|tersedia)(?-u:\b)"
)
#: A closing frame word (*Kirim ke Malaysia bisa?*). The closing *kapan*, *dimana* and
#: *berapa* are asking cues already, and "paket saya dimana kak?" can complain, so they are
#: not frames.
_CLOSES = rf"(?-u:\b)(?:ada|ready|bisa|boleh|tersedia|buka){_TAIL}"
#: Opening hours: *tokonya buka hari minggu?*, *cabang Depok buka sampai jam 9?*.
_OPEN_WHEN = (
    r"(?-u:\b)buka\s+(?:hari|jam|sampai|besok|sekarang|lusa|nanti|tanggal|pas|waktu|saat|"
    r"lebaran|libur|tahun\s+baru|natal|imlek|minggu|sabtu|senin|selasa|rabu|kamis|jumat)(?-u:\b)"
)
_CLOSES_WHAT = rf"(?-u:\b)apa(?:\s+saja)?{_TAIL}"
#: How-to questions: *caranya gimana kak?*, *gimana cara retur?* (their *gimana* asks).
_HOW_TO = r"^(?:(?:gimana|bagaimana)\s+)?cara(?:nya)?(?-u:\b)"
#: Chinese chat questions with neither 吗 nor a question word: a closing A-not-A (有L码没, 有货
#: 不？, 包邮不？, 能便宜点不), a closing 么 (这个有黑色的么), which day or hour (几号发货, 哪天能
#: 到). A closing 不 / 没 after 还, 都, 也, 几乎... is a statement (等了三天还没, "still not").
_ZH_NOT_A_NOT_A = "还都也就从直再又并绝乎不没"
_ZH_ASKS = (
    rf"[^{_ZH_NOT_A_NOT_A}][不没]有?\s*\??\s*$|[^什怎那这多要]么\s*\??\s*$|几号|几点|哪天|哪一天"
)
#: Chinese rhetorical words: 难道, 凭什么, 到底, 竟然, 居然, 究竟.
_ZH_RHETORICAL = "难道|凭什么|到底|竟然|居然|究竟|怎么|为什么|为何"
_ENGLISH = r"^(?:is|are|do|does|can|could|will|would|have|has|any|may)(?-u:\b)"


def message_size(normalised: pl.Series) -> npt.NDArray[np.float64]:
    """Words of each normalised message, a Han character counting half."""
    frame = pl.DataFrame({"t": normalised}).select(
        han=pl.col("t").str.count_matches(r"\p{Han}").fill_null(0),
        words=pl.col("t")
        .str.replace_all(r"\p{Han}", " ")
        .str.count_matches(r"[\p{L}\p{N}]+")
        .fill_null(0),
    )
    size: npt.NDArray[np.float64] = (
        frame["words"].to_numpy().astype(np.float64) + frame["han"].to_numpy() / 2.0
    )
    return size


def _body() -> pl.Expr:
    """The question in the column ``t`` without its greeting ("halo min! ready?") and without
    the marks of English opinion words."""
    return pl.col("t").str.replace_all(r" lex(?:pos|neg)(?-u:\b)", "").str.replace(_OPENING, "")


def _core() -> pl.Expr:
    """:func:`_body` without the negator of "X or not?", which asks and does not negate."""
    return (
        _body()
        .str.replace(_OR_NOT_CLOSING, " ?")
        .str.replace(_OR_NOT_ALREADY, "${1} ?")
        .str.replace(_OR_NOT_OPENING, "${1}")
    )


def zh_question_expr() -> pl.Expr:
    """Chinese chat questions without 吗 or a question word (:data:`_ZH_ASKS`), one negator at
    most (the A-not-A's own), no exclamation, no rhetorical word: a Polars expression over the
    column ``t``."""
    t = pl.col("t")
    negators = t.str.count_matches("[不没]")
    a_not_a = t.str.contains(rf"[^{_ZH_NOT_A_NOT_A}][不没]有?\s*\??\s*$")
    return (
        t.str.contains(r"\p{Han}")
        & t.str.contains(_ZH_ASKS)
        & (negators <= a_not_a.cast(pl.UInt32))
        & (t.str.count_matches(r"\?") <= 1)
        & ~t.str.contains("!")
        & ~t.str.contains(_ZH_RHETORICAL)
    )


def asks_in_chinese(normalised: pl.Series) -> npt.NDArray[np.bool_]:
    """Does each normalised message hold a Chinese question form without 吗 or a question word
    (:data:`_ZH_ASKS`)? A cheap first look; :func:`shop_question` decides."""
    if not len(normalised):
        return np.zeros(0, dtype=bool)
    found = normalised.cast(pl.String).str.contains(_ZH_ASKS).fill_null(False)
    out: npt.NDArray[np.bool_] = found.to_numpy()
    return out


def shop_question_expr() -> pl.Expr:
    """:func:`shop_question` as a Polars expression over the column ``t``."""
    body, core = _body(), _core()
    # a how-to question's gimana asks: "caranya gimana kak?"
    particles = (
        pl.when(body.str.contains(_HOW_TO))
        .then(body.str.replace_all(r"(?-u:\b)(?:gimana|bagaimana)(?-u:\b)", ""))
        .otherwise(body)
    )
    return (
        (body.str.count_matches(r"[?!]") == 1)
        & body.str.contains(r"\?\s*$")
        & ~core.str.contains(_NEGATOR)
        & ~particles.str.contains(_RHETORICAL_PARTICLE)
        & (
            body.str.contains(_OPENS)
            | body.str.contains(_HOW_TO)
            | core.str.contains(_CLOSES)
            | core.str.contains(_OPEN_WHEN)
            | (
                core.str.contains(_CLOSES_WHAT)
                & pl.col("t").str.contains(rf"(?-u:\b){_ADDRESS}(?-u:\b)")
                & (body.str.count_matches(r"(?-u:\b)apa(?-u:\b)") == 1)
            )
            | body.str.contains(_ENGLISH)
        )
    ) | zh_question_expr()


def shop_question(normalised: pl.Series) -> npt.NDArray[np.bool_]:
    """Is each normalised message a shop-chat question frame with no asking word (*ada ukuran
    L gak kak?*, *bisa cod?*, "Is the red one in stock?"; see the module's docstring)? Size,
    why words and opinion evidence are the caller's to rule out."""
    if not len(normalised):
        return np.zeros(0, dtype=bool)
    found = pl.DataFrame({"t": normalised.cast(pl.String)}).select(
        shop_question_expr().fill_null(False)
    )
    out: npt.NDArray[np.bool_] = found.to_series().to_numpy()
    return out


#: Frames that ask whether something is in stock: *ready kak?*, *stoknya masih ada?*, *ada
#: ukuran L gak kak?*, *masih ada yg hitam kak?*, *size M masih ada gak?*, *ukuran L ada kak?*,
#: 有L码没, 这个有黑色的么.
_STOCK_WORD = r"(?:ukuran|size|saiz|warna|stok|stock|varian|model|tipe|type)"
_SIZE_OR_COLOUR = (
    r"(?:xxs|xs|s|m|l|xl|xxl|xxxl|\d*xl|\d+|merah|hitam|putih|biru|hijau|kuning|abu|coklat|"
    r"cokelat|pink|navy|krem|cream|ungu|oranye|orange|maroon|silver|gold|emas)"
)
_IN_STOCK = (
    r"^(?:masih\s+)?(?:ready|stok|stock|tersedia)(?-u:\b)|"
    rf"^(?:masih\s+)?(?:ada|adakah)\s+(?:{_STOCK_WORD}|yang\s+(?:{_STOCK_WORD}|{_SIZE_OR_COLOUR}))"
    r"(?-u:\b)|"
    rf"(?:masih\s+ada|ready|tersedia){_TAIL}|"
    rf"(?-u:\b){_STOCK_WORD}(?-u:\b).*(?-u:\b)ada{_TAIL}|"
    # Chinese: 有L码没, 这个有黑色的么, 还有货不
    r"有[^不没]{0,8}?(?:码|号|色|货|款|尺寸|颜色)"
)


def asks_for_stock(normalised: pl.Series, *, framed: bool = False) -> npt.NDArray[np.bool_]:
    """Of the :func:`shop_question` frames, those that ask whether something is in stock (their
    aspect is ``availability``: *ada ukuran L gak kak?* names a size, not its quality).
    ``framed``: the messages are frames already (the pipeline's), so the frame is not read
    again."""
    if not len(normalised):
        return np.zeros(0, dtype=bool)
    stock = _core().str.contains(_IN_STOCK)
    found = pl.DataFrame({"t": normalised.cast(pl.String)}).select(
        (stock if framed else shop_question_expr() & stock).fill_null(False)
    )
    out: npt.NDArray[np.bool_] = found.to_series().to_numpy()
    return out


def asks(
    normalised: pl.Series, repeated_marks: npt.NDArray[np.bool_] | None = None
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(asking, framed): is each normalised message a short information question (an asking
    cue or a :func:`shop_question` frame, no why word, at most :data:`MAX_ASKING_SIZE`
    words), and is it in a frame? ``repeated_marks``: the messages whose original text
    repeats its question or exclamation marks, which are in no frame. Opinion evidence is the
    caller's to rule out."""
    asking = np.zeros(len(normalised), dtype=bool)
    framed = np.zeros(len(normalised), dtype=bool)
    if not len(normalised):
        return asking, framed
    normalised = normalised.cast(pl.String)
    short = message_size(normalised) <= MAX_ASKING_SIZE
    calm = np.ones(len(normalised), dtype=bool) if repeated_marks is None else ~repeated_marks
    rows = np.flatnonzero(short)
    if len(rows):
        text = normalised.gather(rows)
        # the key "question" gets the question rewrite (不怎么, 去哪里都... ask nothing)
        hit = cue_matrix(text, {"question": ASKING_CUES, "why": WHY_WORDS})
        frame = shop_question(text) & calm[rows] & ~hit[:, 1]
        asking[rows[(hit[:, 0] & ~hit[:, 1]) | frame]] = True
        framed[rows[frame]] = True
    return asking, framed
