"""Community feedback (masukan): the spam defence in layers, moderation and the counts.

A message from the public passes, in order:

1. **Rate limit per address** (:func:`catat_percobaan`): at most ``MASUKAN_BATAS`` attempts per
   ``MASUKAN_JENDELA_DETIK`` from one address, counted in the cache before anything else is
   looked at, so a flood costs one cache increment per request. Over the limit: HTTP 429.
2. **Honeypot**: a field hidden from people by a CSS class; bots fill it. Filled: refused.
3. **Minimum fill time**: the form carries a signed timestamp (:func:`buat_token`); a form
   sent back within ``MASUKAN_MIN_DETIK`` seconds was not typed by a person. Refused, as are
   missing, forged or day-old timestamps, and a token that already sent a message
   (:func:`pakai_token`: single use). Steps 1-3 run before any uploaded photo is opened.
4. **Length and content**: at most ``PESAN_MAKS`` characters, no NUL bytes, photo checked and
   re-encoded by ``inti.images``.
5. **Links and spam patterns** (:func:`nilai`): the configurable ``PolaSpam`` patterns
   (gambling spam in Indonesian, link shorteners) add up a weight; reaching ``SPAM_AMBANG``
   files the message as spam, a lower weight or any link holds it with the reason.

Nothing is shown before a moderator approves it, and what is shown is escaped text (no
Markdown, no links made clickable). The sender's address is stored only as a salted hash.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from inti.klien import alamat_klien
from inti.services import ServiceError

from .models import JenisPola, Masukan, PolaSpam, StatusMasukan

logger = logging.getLogger(__name__)

SPAM_AMBANG = 3
_TOKEN_SALT = "kotaku.kolaborasi.masukan.waktu"
_IP_SALT = "kotaku.kolaborasi.masukan.ip"
_BATAS_KEY = "kotaku:masukan:batas:{}"
_TOKEN_KEY = "kotaku:masukan:token:{}"


def batas() -> int:
    return int(getattr(settings, "MASUKAN_BATAS", 5))


def jendela_detik() -> int:
    return int(getattr(settings, "MASUKAN_JENDELA_DETIK", 600))


def min_detik() -> float:
    return float(getattr(settings, "MASUKAN_MIN_DETIK", 3))


def maks_detik() -> float:
    return float(getattr(settings, "MASUKAN_MAKS_JAM", 24)) * 3600


# ------------------------------------------------------------------------------ the address


def client_ip(request) -> str:
    """The client's address: the portal's one function (``inti.klien``), which the login
    lockout and the audit use too (``TRUSTED_PROXY_COUNT``)."""
    return alamat_klien(request)


def hash_ip(ip: str) -> str:
    """Salted (SECRET_KEY-keyed) HMAC of the address: the same sender is recognisable, the
    address itself is not recoverable from the database or a backup."""
    return salted_hmac(_IP_SALT, ip or "-", algorithm="sha256").hexdigest()


def catat_percobaan(ip_hash: str) -> bool:
    """Count one attempt from this address; False once it is over the limit.

    Fixed window from the first attempt. A cache outage lets messages through (the other
    layers still apply, and moderation decides anyway).
    """
    key = _BATAS_KEY.format(ip_hash)
    try:
        cache.add(key, 0, timeout=jendela_detik())
        try:
            n = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=jendela_detik())
            n = 1
    except Exception:  # noqa: BLE001 - the cache backend logs the outage once
        logger.debug("Cache unavailable: feedback rate limit not applied")
        return True
    return n <= batas()


# ------------------------------------------------------------------------------ fill time


def buat_token(sekarang: float | None = None) -> str:
    """The signed time the form was shown (sent back in a hidden field), with a random nonce
    so that every token is distinct and can be used once (:func:`pakai_token`)."""
    return signing.dumps({"t": round(sekarang if sekarang is not None else time.time(), 3),
                          "n": secrets.token_hex(6)},
                         salt=_TOKEN_SALT, compress=False)


def _kunci_token(token: str) -> str:
    return _TOKEN_KEY.format(hashlib.sha256(token.encode()).hexdigest()[:32])


def token_terpakai(token: str) -> bool:
    """Whether a message was already accepted with this token (a replayed form)."""
    try:
        return bool(cache.get(_kunci_token(token)))
    except Exception:  # noqa: BLE001 - cache down: the other layers still apply
        return False


def pakai_token(token: str) -> bool:
    """Mark the token used; False when it already was (another request got there first).

    Tokens were good for a day from any address; now each sends one message. Kept in the
    cache for the token's lifetime. Without a cache (outage) the token is let through: the
    rate limit and moderation still apply.
    """
    key = _kunci_token(token)
    try:
        if cache.add(key, 1, timeout=int(maks_detik()) + 60):
            return True
        return not cache.get(key)  # not stored because the cache is down: let it through
    except Exception:  # noqa: BLE001
        return True


class TokenTidakSah(Exception):
    """The timestamp is missing, forged, too fresh or too old; ``code`` says which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def periksa_token(token: str, sekarang: float | None = None) -> float:
    """Seconds since the form was shown; raises ``TokenTidakSah``."""
    if not token or len(token) > 200:
        raise TokenTidakSah("token")
    try:
        data = signing.loads(token, salt=_TOKEN_SALT)
        shown = float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenTidakSah("token") from None
    elapsed = (sekarang if sekarang is not None else time.time()) - shown
    if elapsed < 0:
        raise TokenTidakSah("token")
    if elapsed < min_detik():
        raise TokenTidakSah("terlalu_cepat")
    if elapsed > maks_detik():
        raise TokenTidakSah("kedaluwarsa")
    return elapsed


# ------------------------------------------------------------------------------- content

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_LINK = re.compile(
    r"(https?://|www\.|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|id|co|io|ly|me|xyz"
    r"|info|biz|site|online|top|vip|link|click|app|gg|cc|pro|live|store|shop|club|asia|win|bet"
    r"|ws|to|tk|ml|ga|cf|gq|ru|cn)\b)",
    re.IGNORECASE)


# Any host name with a top-level domain of letters (``situs-judi.casino``), not only the
# common ones above; numbers such as "Rp 1.500.000" have no letters after their last dot.
_DOMAIN = re.compile(r"(?<![\w.@-])([a-z0-9][a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63})*"
                     r"\.[a-z]{2,24}(?![\w-])(?:/\S*)?")
# Address abbreviations written without a space ("Jl.Merdeka", "Ds.Bibrik") are not hosts.
_SINGKATAN = {"jl", "jln", "gg", "ds", "dsn", "kel", "kec", "kab", "prov", "no", "rt", "rw",
              "dr", "ir", "h", "hj", "st", "sdr", "bpk", "ibu", "pak", "bu", "dll", "dsb", "dst",
              "mis", "yth", "tgl", "th", "kp", "perum", "blok"}


def normalisasi(text: str) -> str:
    """Fold look-alike characters (fullwidth, bold maths letters), drop invisible ones, and
    ignore case, so ``ＳＬＯＴ`` and ``s\u200blot`` match ``slot``."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


# Letters from other scripts that look like Latin ones (a subset of Unicode's confusables
# list: the Cyrillic and Greek letters spam uses), after NFKC and casefold.
_MIRIP = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "ı": "i", "ȷ": "j",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c", "σ": "o",
})
# Digits and signs for letters, applied only inside words that mix them with letters
# ("g4c0r", "sl0t", "m4xw1n"), so "RT 03" stays as it is.
_ANGKA_HURUF = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                              "@": "a", "$": "s", "!": "i", "|": "l"})
# A word (a run of these characters) is mixed when it holds a letter and a digit or sign.
# Found word by word: one pattern for "a run holding both" backtracked cubically on a long
# run without digits (2,000 letters: 7 s of CPU per message on the public form).
_KATA = re.compile(r"[\w@$!|]+")
_HURUF_LATIN = re.compile(r"[a-z]")
_ANGKA_TANDA = re.compile(r"[0-9@$!|]")
# Letters spelled out one by one with spaces or signs between them: "s l o t", "s.l.o.t".
_EJAAN_RENGGANG = re.compile(r"(?<!\w)(?:\w[\s._*\-]){2,}\w(?!\w)")
# Links written so that a link finder misses them: "gacor88 . vip", "gacor88 [dot] vip".
_TITIK_SAMARAN = re.compile(r"\s*(?:\[\s*(?:dot|titik)\s*\]|\(\s*(?:dot|titik)\s*\))\s*"
                            r"|\s+(?:dot|titik)\s+|\s+\.\s+")


def kerangka(text: str) -> str:
    """The message's skeleton for spam matching: :func:`normalisasi`, then look-alike
    letters from other scripts, digits-for-letters inside mixed words, and letters spaced out
    one by one joined up (``ѕ l 0 t  g 4 c 0 r`` → ``slot gacor``)."""
    text = normalisasi(text).translate(_MIRIP)
    text = _EJAAN_RENGGANG.sub(lambda m: re.sub(r"[\s._*\-]", "", m.group()), text)
    return _KATA.sub(_huruf, text)


def _huruf(match: re.Match) -> str:
    # Numbers stuck to a brand are decoration ("gacor88", "slot777"); digits inside are
    # letters ("g4c0r"). A word without both letters and digits or signs stays as it is.
    word = match.group()
    if not (_HURUF_LATIN.search(word) and _ANGKA_TANDA.search(word)):
        return word
    core = word.strip("0123456789") or word
    return core.translate(_ANGKA_HURUF)


def _regex(pola: PolaSpam) -> re.Pattern:
    body = normalisasi(pola.pola.strip())
    escaped = r"\s*".join(re.escape(part) for part in body.split())
    if pola.jenis == JenisPola.KATA:
        escaped = rf"(?<!\w){escaped}(?!\w)"
    return re.compile(escaped)


def _domain(text: str) -> bool:
    return any(m.group(1) not in _SINGKATAN for m in _DOMAIN.finditer(text))


def ada_tautan(text: str) -> bool:
    text = normalisasi(text)
    return bool(_LINK.search(text) or _domain(text)
                or _domain(_TITIK_SAMARAN.sub(".", text)))


@dataclass(frozen=True)
class Penilaian:
    status: str
    alasan: str
    bobot: int


def nilai(pesan: str, nama: str = "", pola: list[PolaSpam] | None = None) -> Penilaian:
    """Judge a message (and the name, where spammers like to put their brand).

    Each pattern is looked for in the normalised text and in its :func:`kerangka` (disguised
    spellings); a pattern found only in the skeleton says so in the reason. Any link, on a
    known top-level domain or not, written plainly or disguised, holds the message for a
    moderator with the reason "berisi tautan".
    """
    raw = f"{nama}\n{pesan}"
    text = normalisasi(raw)
    skeleton = kerangka(raw)
    if pola is None:
        pola = list(PolaSpam.objects.filter(aktif=True))
    matched, disguised = [], []
    for p in pola:
        if not p.pola.strip():
            continue
        regex = _regex(p)
        if regex.search(text):
            matched.append(p)
        elif regex.search(skeleton):
            matched.append(p)
            disguised.append(p)
    bobot = sum(p.bobot for p in matched)
    reasons = []
    if matched:
        reasons.append(_("pola spam: %(daftar)s") % {
            "daftar": ", ".join(p.pola for p in matched)})
    if disguised:
        reasons.append(_("ejaan disamarkan"))
    if ada_tautan(raw):
        reasons.append(_("berisi tautan"))
    status = StatusMasukan.SPAM if bobot >= SPAM_AMBANG else StatusMasukan.MENUNGGU
    return Penilaian(status, "; ".join(reasons)[:300], bobot)


# --------------------------------------------------------------------------------- writes


def terima(*, sasaran: dict, nama: str, pesan: str, foto, ip_hash: str,
           kontak: str = "") -> Masukan:
    """Store a message (form already valid) with its verdict. ``sasaran`` is one of
    ``{"kabar": k}``, ``{"kegiatan": k}``, ``{"desa": d}``, ``{"item_rencana": i}`` (an
    expression of interest, with the sender's ``kontak`` for the team only). Always starts
    unpublished."""
    verdict = nilai(pesan, nama)
    masukan = Masukan(**sasaran, nama=nama.strip(), pesan=pesan.strip(), status=verdict.status,
                      alasan_tahan=verdict.alasan, ip_hash=ip_hash, kontak=kontak.strip())
    stored = None
    try:
        with transaction.atomic():
            if foto:
                masukan.foto.save(foto.name, foto, save=False)
                stored = masukan.foto
            masukan.full_clean(exclude=["foto"])
            masukan.save()
    except Exception as exc:
        if stored:
            stored.delete(save=False)
        if isinstance(exc, IntegrityError):
            raise ServiceError(_("Masukan tidak dapat disimpan. Coba lagi.")) from exc
        raise
    return masukan


class Aksi:
    SETUJUI = "setujui"
    TOLAK = "tolak"
    SPAM = "spam"
    CHOICES = {SETUJUI: StatusMasukan.DISETUJUI, TOLAK: StatusMasukan.DITOLAK,
               SPAM: StatusMasukan.SPAM}


@transaction.atomic
def moderasi(user, queryset, aksi: str) -> int:
    """Approve, reject or file as spam every message of ``queryset`` (already limited to
    what the user may moderate). One history row per message, with the moderator."""
    if aksi not in Aksi.CHOICES:
        raise ServiceError(_("Pilih tindakan: setujui, tolak, atau tandai spam."))
    status = Aksi.CHOICES[aksi]
    now = timezone.now()
    # Lock by primary key: the scope query joins nullable relations, which PostgreSQL does
    # not lock ("FOR UPDATE cannot be applied to the nullable side of an outer join").
    ids = list(queryset.values_list("pk", flat=True))
    items = list(Masukan.objects.select_for_update().filter(pk__in=ids).exclude(status=status))
    for m in items:
        m.status = status
        m.dimoderasi_oleh = user
        m.dimoderasi_pada = now
    if items:
        bulk_update_with_history(
            items, Masukan, ["status", "dimoderasi_oleh", "dimoderasi_pada"], batch_size=500,
            default_user=user, default_change_reason=f"moderasi: {aksi}")
    return len(items)


@transaction.atomic
def balas(user, masukan: Masukan, teks: str) -> Masukan:
    """Save the team's reply. Replying to a waiting message also approves it (the reply is
    meant to be read); spam is never replied to."""
    if masukan.status == StatusMasukan.SPAM:
        raise ServiceError(_("Masukan yang ditandai spam tidak dibalas."))
    now = timezone.now()
    masukan.balasan = teks.strip()
    masukan.balasan_oleh = user
    masukan.balasan_pada = now
    if masukan.status == StatusMasukan.MENUNGGU:
        masukan.status = StatusMasukan.DISETUJUI
        masukan.dimoderasi_oleh = user
        masukan.dimoderasi_pada = now
    masukan._change_reason = "balasan tim"
    masukan.save()
    return masukan


# --------------------------------------------------------------------------------- counts


def suara_warga_per_desa() -> Counter:
    """Approved feedback per desa: on the desa page, on its activities, and on stories about
    it (a story about two desa counts for both). Three grouped queries."""
    ok = Masukan.objects.disetujui().order_by()
    counts: Counter = Counter()
    for key, present in (("desa_id", "desa__isnull"), ("kegiatan__desa_id", "kegiatan__isnull"),
                         ("kabar__desa", "kabar__desa__isnull")):
        rows = ok.filter(**{present: False}).values(key).annotate(n=Count("pk", distinct=True))
        for row in rows:
            counts[row[key]] += row["n"]
    return counts


def jumlah_menunggu(user) -> int:
    return Masukan.objects.for_moderator(user).filter(status=StatusMasukan.MENUNGGU).count()
