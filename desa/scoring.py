"""Slum-assessment scoring for KOTAKU (Permen PUPR 14/PRT/M/2018 and 02/PRT/M/2016).

Pure Python, standard library only: no Django imports, so the rules can be unit-tested without a
database and reused by forms (live score while typing), views, JSON endpoints and reports.

The rules themselves are data (:class:`RuleSet`): the Django layer builds one from database rows,
and the two module constants :data:`PERMEN_14_2018` and :data:`PERMEN_02_2016` are the defaults and
the reference for tests. See ``docs/SCORING.md`` for the rules and their sources.

Typical use::

    from desa.scoring import score_assessment
    result = score_assessment(header, volumes)
    result.total, result.level, result.criteria["2b"].percent, result.as_dict()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import pairwise
from types import MappingProxyType
from typing import Any

__all__ = [
    "DEFAULT_HANDLING_PATTERNS",
    "DEFAULT_PERTIMBANGAN_BANDS",
    "DEFAULT_PERTIMBANGAN_FACTORS",
    "DEFAULT_PRIORITY_NUMBERS",
    "DEFAULT_SCORE_THRESHOLDS",
    "FLAG_ABOVE_DENOMINATOR",
    "FLAG_NEGATIVE_DENOMINATOR",
    "FLAG_NEGATIVE_VOLUME",
    "FLAG_ZERO_DENOMINATOR",
    "HANDLING_PATTERNS",
    "HEADER_FIELDS",
    "KUMUH_BERAT",
    "KUMUH_RINGAN",
    "KUMUH_SEDANG",
    "LEVELS",
    "LEVEL_LABELS",
    "PEMUGARAN",
    "PEMUKIMAN_KEMBALI",
    "PEREMAJAAN",
    "PERMEN_02_2016",
    "PERMEN_14_2018",
    "PERTIMBANGAN_CLASSES",
    "RULE_SETS",
    "TIDAK_KUMUH",
    "Aspect",
    "AspectResult",
    "AssessmentResult",
    "Criterion",
    "CriterionResult",
    "RuleSet",
    "aggregate_inputs",
    "handling_pattern",
    "kumuh_akhir",
    "density_factor",
    "legal_status",
    "percent_of",
    "pertimbangan_lain_class",
    "priority_class",
    "score_assessment",
]

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

#: The assessment header: the denominators of every criterion, in display order.
HEADER_FIELDS: tuple[str, ...] = (
    "luas_ha",
    "jumlah_bangunan",
    "jumlah_kk",
    "panjang_jalan_ideal_m",
    "panjang_drainase_ideal_m",
)

KUMUH_BERAT = "kumuh_berat"
KUMUH_SEDANG = "kumuh_sedang"
KUMUH_RINGAN = "kumuh_ringan"
TIDAK_KUMUH = "tidak_kumuh"

#: Slum levels, most severe first; a tuple of pairs so it can serve directly as Django ``choices``.
LEVELS: tuple[tuple[str, str], ...] = (
    (KUMUH_BERAT, "Kumuh Berat"),
    (KUMUH_SEDANG, "Kumuh Sedang"),
    (KUMUH_RINGAN, "Kumuh Ringan"),
    (TIDAK_KUMUH, "Tidak Kumuh"),
)
LEVEL_LABELS: Mapping[str, str] = MappingProxyType(dict(LEVELS))

PEREMAJAAN = "peremajaan"
PEMUGARAN = "pemugaran"
PEMUKIMAN_KEMBALI = "pemukiman_kembali"

#: Handling patterns (pola penanganan), usable as Django ``choices``.
HANDLING_PATTERNS: tuple[tuple[str, str], ...] = (
    (PEREMAJAAN, "Peremajaan"),
    (PEMUGARAN, "Pemugaran"),
    (PEMUKIMAN_KEMBALI, "Pemukiman Kembali"),
)

#: Classes of "pertimbangan lain" (other considerations), usable as Django ``choices``.
PERTIMBANGAN_CLASSES: tuple[tuple[str, str], ...] = (
    ("A", "Tinggi"),
    ("B", "Sedang"),
    ("C", "Rendah"),
)

# Data-quality flags on a criterion result. The engine scores such data anyway (published data
# contains all of these); the flags let reports point at the suspicious figure. Entry forms refuse
# the first three outright.
FLAG_NEGATIVE_VOLUME = "negative_volume"
FLAG_ZERO_DENOMINATOR = "zero_denominator"  # non-zero volume over a zero denominator
FLAG_ABOVE_DENOMINATOR = "above_denominator"  # volume larger than its denominator
FLAG_NEGATIVE_DENOMINATOR = "negative_denominator"

_ZERO = Decimal(0)
_PERCENT_ZERO = Decimal("0.00")
_PERCENT_FULL = Decimal("100.00")


# --------------------------------------------------------------------------------------------
# Number helpers
# --------------------------------------------------------------------------------------------


def _to_decimal(value: object, what: str = "value") -> Decimal:
    """Convert an input number to a finite ``Decimal``; ``None`` (an empty field) counts as 0.

    Floats go through ``str`` so that 540.9 becomes ``Decimal("540.9")``, not the binary
    approximation. Booleans are refused: ``True`` as a volume is a bug, not the number 1.
    """
    if value is None:
        return _ZERO
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{what}: not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{what}: not a finite number: {value!r}")
    return number


def _round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact fraction half-up (ties away from zero) to ``places`` decimals.

    Exact rational arithmetic avoids any double rounding: 49.99 / 200 is exactly 24.995 and must
    become 25.00 (score 1), which a float or a limited-precision division could get wrong.
    """
    scale = 10**places
    scaled = abs(value) * scale
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    sign = 1 if value < 0 and units else 0  # never produce "-0.00"
    digits = tuple(int(ch) for ch in str(units))
    # The tuple constructor is exact whatever the decimal context precision is.
    return Decimal((sign, digits, -places))


def _mean(values: Iterable[Decimal]) -> Decimal:
    """Arithmetic mean rounded half-up to 2 decimals; the mean of nothing is 0.00."""
    items = [Fraction(v) for v in values]
    if not items:
        return _PERCENT_ZERO
    return _round_half_up(sum(items, Fraction(0)) / len(items))


def _dec_str(value: Decimal) -> str:
    """Decimal as a plain string for JSON (never exponent notation such as ``1E+2``)."""
    return format(value, "f")


def percent_of(volume: Decimal, denominator: Decimal) -> Decimal:
    """Percentage ``volume * 100 / denominator``, rounded half-up to 2 decimals.

    Zero denominator: the regulation does not define it. Zero (or negative) volume over zero gives
    0.00 (nothing deficient). A positive volume over zero is a data error (published data has
    it); we treat it as 100.00, i.e. "the whole (unmeasured) area is deficient", because
    silently scoring it 0 would hide a reported problem. Keeping negative volumes at 0 here also
    keeps the score monotonic in the volume. Entry forms refuse both cases.
    """
    volume = _to_decimal(volume, "volume")
    denominator = _to_decimal(denominator, "denominator")
    if denominator == 0:
        return _PERCENT_FULL if volume > 0 else _PERCENT_ZERO
    return _round_half_up(Fraction(volume) * 100 / Fraction(denominator))


# --------------------------------------------------------------------------------------------
# Rule sets (data)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aspect:
    """One of the aspects (e.g. ``"2"`` Jalan Lingkungan)."""

    code: str
    name: str


@dataclass(frozen=True)
class Criterion:
    """One criterion (e.g. ``"2b"``): the deficient volume is divided by ``denominator``.

    ``denominator`` is one of :data:`HEADER_FIELDS`.
    """

    code: str
    aspect: str
    name: str
    unit: str
    denominator: str


# Defaults for the tables beyond the physical score. All [unconfirmed] (DOMAIN.md §4): they are
# RuleSet fields so that a district can correct them in the database without a release.
DEFAULT_SCORE_THRESHOLDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(76), 5),
    (Decimal(51), 3),
    (Decimal(25), 1),
)
DEFAULT_PERTIMBANGAN_FACTORS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("nilai_strategis", (1, 5)),
    ("kepadatan_penduduk", (1, 3, 5)),
    ("potensi_sosial_ekonomi", (1, 5)),
)
DEFAULT_PERTIMBANGAN_BANDS: tuple[tuple[int, str], ...] = ((11, "A"), (6, "B"), (1, "C"))
#: Legality rule: "semua" = legal only if every condition holds (land status clear *and* fits
#: the spatial plan); "salah_satu" = legal if either holds.
LEGAL_RULES = ("semua", "salah_satu")
#: Population density (people per ha) → "kepadatan penduduk" factor value, highest first
#: [unconfirmed default; the admin corrects it in the rule set's ``kepadatan_bands``].
DEFAULT_DENSITY_BANDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(400), 5), (Decimal(200), 3), (Decimal(0), 1))
DEFAULT_PRIORITY_NUMBERS: tuple[tuple[str, bool, int], ...] = (
    (KUMUH_BERAT, True, 1),
    (KUMUH_SEDANG, True, 2),
    (KUMUH_RINGAN, True, 3),
    (KUMUH_BERAT, False, 4),
    (KUMUH_SEDANG, False, 5),
    (KUMUH_RINGAN, False, 6),
)
DEFAULT_HANDLING_PATTERNS: tuple[tuple[str, bool, str], ...] = (
    (KUMUH_BERAT, True, PEREMAJAAN),
    (KUMUH_SEDANG, True, PEREMAJAAN),
    (KUMUH_RINGAN, True, PEMUGARAN),
    (KUMUH_BERAT, False, PEMUKIMAN_KEMBALI),
    (KUMUH_SEDANG, False, PEMUKIMAN_KEMBALI),
    (KUMUH_RINGAN, False, PEMUKIMAN_KEMBALI),
)

_SLUM_LEVELS = frozenset({KUMUH_BERAT, KUMUH_SEDANG, KUMUH_RINGAN})
_HANDLING_CODES = frozenset(code for code, _label in HANDLING_PATTERNS)


def _strictly_descending(values: list[Any]) -> bool:
    return all(a > b for a, b in pairwise(values))


@dataclass(frozen=True)
class RuleSet:
    """A versioned scoring rule set, as data.

    Sequences may be passed as lists (e.g. built from database rows); they are normalised to
    tuples so the rule set is immutable and hashable (usable as a cache key). The constructor
    validates the tables and raises ``ValueError`` on an inconsistent rule set, so a bad
    configuration fails when it is loaded rather than while scoring.

    Table fields:

    - ``score_thresholds``: ``(min_percent, score)``, highest first; a percentage ``>=`` the
      minimum gets the score, below all of them 0.
    - ``level_bands``: ``(min_total, level)``, highest first; below all of them "tidak_kumuh".
    - ``pertimbangan_factors``: the three "pertimbangan lain" factors with their allowed values,
      in the order of :func:`pertimbangan_lain_class`'s arguments.
    - ``pertimbangan_bands``: ``(min_sum, letter)``, highest first.
    - ``priority_numbers``: ``(level, legal, number)``.
    - ``handling_patterns``: ``(level, legal, pattern)``.
    """

    code: str
    name: str
    aspects: tuple[Aspect, ...]
    criteria: tuple[Criterion, ...]
    score_thresholds: tuple[tuple[Decimal, int], ...] = DEFAULT_SCORE_THRESHOLDS
    level_bands: tuple[tuple[int, str], ...] = (
        (60, KUMUH_BERAT),
        (38, KUMUH_SEDANG),
        (16, KUMUH_RINGAN),
    )
    pertimbangan_factors: tuple[tuple[str, tuple[int, ...]], ...] = DEFAULT_PERTIMBANGAN_FACTORS
    pertimbangan_bands: tuple[tuple[int, str], ...] = DEFAULT_PERTIMBANGAN_BANDS
    priority_numbers: tuple[tuple[str, bool, int], ...] = DEFAULT_PRIORITY_NUMBERS
    handling_patterns: tuple[tuple[str, bool, str], ...] = DEFAULT_HANDLING_PATTERNS
    legal_rule: str = "semua"
    density_bands: tuple[tuple[Decimal, int], ...] = DEFAULT_DENSITY_BANDS

    def __post_init__(self) -> None:
        # Normalise (frozen dataclass: object.__setattr__ is the documented idiom here).
        normalised = {
            "aspects": tuple(self.aspects),
            "criteria": tuple(self.criteria),
            "score_thresholds": tuple(
                (_to_decimal(p, "score threshold"), int(s)) for p, s in self.score_thresholds
            ),
            "level_bands": tuple((int(t), str(lv)) for t, lv in self.level_bands),
            "pertimbangan_factors": tuple(
                (str(n), tuple(int(v) for v in allowed)) for n, allowed in self.pertimbangan_factors
            ),
            "pertimbangan_bands": tuple((int(t), str(c)) for t, c in self.pertimbangan_bands),
            "priority_numbers": tuple(
                (str(lv), bool(lg), int(n)) for lv, lg, n in self.priority_numbers
            ),
            "handling_patterns": tuple(
                (str(lv), bool(lg), str(p)) for lv, lg, p in self.handling_patterns
            ),
            "legal_rule": str(self.legal_rule),
            "density_bands": tuple(
                (_to_decimal(d, "density band"), int(v)) for d, v in self.density_bands
            ),
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)
        self._validate()

    def _validate(self) -> None:
        """Raise ``ValueError`` describing the first inconsistency found."""
        aspect_codes = [a.code for a in self.aspects]
        if not aspect_codes or len(set(aspect_codes)) != len(aspect_codes):
            raise ValueError(f"{self.code}: aspect codes must be non-empty and unique")
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.code}: duplicate criterion code")
        for c in self.criteria:
            if c.aspect not in aspect_codes:
                raise ValueError(f"{self.code}: criterion {c.code} has unknown aspect {c.aspect}")
            if c.denominator not in HEADER_FIELDS:
                raise ValueError(
                    f"{self.code}: criterion {c.code} has unknown denominator {c.denominator}"
                )
        used = {c.aspect for c in self.criteria}
        if used != set(aspect_codes):
            # An aspect without criteria would have no mean condition.
            raise ValueError(f"{self.code}: every aspect needs at least one criterion")

        thresholds = self.score_thresholds
        if not thresholds:
            raise ValueError(f"{self.code}: score_thresholds is empty")
        if not _strictly_descending([p for p, _s in thresholds]) or not _strictly_descending(
            [s for _p, s in thresholds]
        ):
            raise ValueError(f"{self.code}: score_thresholds must be strictly descending")
        if thresholds[-1][1] <= 0:
            raise ValueError(f"{self.code}: scores must be positive (below all thresholds is 0)")

        bands = self.level_bands
        levels = [lv for _t, lv in bands]
        if not set(levels) <= _SLUM_LEVELS or len(set(levels)) != len(levels):
            raise ValueError(f"{self.code}: level_bands must use distinct slum levels")
        mins = [t for t, _lv in bands]
        if not _strictly_descending(mins) or (
            mins and not 1 <= mins[-1] <= mins[0] <= self.max_total
        ):
            raise ValueError(
                f"{self.code}: level_bands must be strictly descending within 1..{self.max_total}"
            )

        if len(self.pertimbangan_factors) != 3 or any(
            not allowed for _n, allowed in self.pertimbangan_factors
        ):
            raise ValueError(f"{self.code}: pertimbangan_factors needs 3 factors with values")
        if self.legal_rule not in LEGAL_RULES:
            raise ValueError(f"{self.code}: legal_rule must be one of {LEGAL_RULES}")
        d_mins = [d for d, _v in self.density_bands]
        if not d_mins or not _strictly_descending(d_mins):
            raise ValueError(f"{self.code}: density_bands must be strictly descending")
        p_mins = [t for t, _c in self.pertimbangan_bands]
        letters = [c for _t, c in self.pertimbangan_bands]
        if not p_mins or not _strictly_descending(p_mins) or len(set(letters)) != len(letters):
            raise ValueError(f"{self.code}: pertimbangan_bands must be strictly descending")

        for table_name, table in (
            ("priority_numbers", self.priority_numbers),
            ("handling_patterns", self.handling_patterns),
        ):
            keys = [(lv, lg) for lv, lg, _v in table]
            if len(set(keys)) != len(keys) or not {lv for lv, _lg in keys} <= _SLUM_LEVELS:
                raise ValueError(f"{self.code}: {table_name} has duplicate or unknown levels")
        if not {p for _lv, _lg, p in self.handling_patterns} <= _HANDLING_CODES:
            raise ValueError(f"{self.code}: handling_patterns has an unknown pattern")

    # -- derived values ---------------------------------------------------------------------

    @property
    def max_score(self) -> int:
        """The highest score one criterion can get (5)."""
        return self.score_thresholds[0][1]

    @property
    def max_total(self) -> int:
        """The highest possible total (80 for 16 criteria, 95 for 19)."""
        return self.max_score * len(self.criteria)

    @property
    def criterion_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria)

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code (``KeyError`` if unknown)."""
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def criteria_of(self, aspect_code: str) -> tuple[Criterion, ...]:
        """The criteria of one aspect, in rule-set order."""
        return tuple(c for c in self.criteria if c.aspect == aspect_code)

    def score_for(self, percent: Decimal) -> int:
        """Score of a (rounded) percentage: the first threshold it reaches, else 0."""
        for min_percent, score in self.score_thresholds:
            if percent >= min_percent:
                return score
        return 0

    def level_for(self, total: int) -> str:
        """Slum level of a total score."""
        for min_total, level in self.level_bands:
            if total >= min_total:
                return level
        return TIDAK_KUMUH

    def level_ranges(self) -> tuple[tuple[str, int, int], ...]:
        """``(level, min_total, max_total)`` inclusive ranges, lowest first (for legends)."""
        ranges: list[tuple[str, int, int]] = []
        upper = self.max_total
        for min_total, level in self.level_bands:
            ranges.append((level, min_total, upper))
            upper = min_total - 1
        ranges.append((TIDAK_KUMUH, 0, upper))
        return tuple(reversed(ranges))


_ASPECTS = (
    Aspect("1", "Bangunan Gedung"),
    Aspect("2", "Jalan Lingkungan"),
    Aspect("3", "Penyediaan Air Minum"),
    Aspect("4", "Drainase Lingkungan"),
    Aspect("5", "Pengelolaan Air Limbah"),
    Aspect("6", "Pengelolaan Persampahan"),
    Aspect("7", "Proteksi Kebakaran"),
)

_LUAS, _BANGUNAN, _KK, _JALAN, _DRAINASE = HEADER_FIELDS

_CRITERIA_2018 = (
    Criterion("1a", "1", "Ketidakteraturan bangunan", "unit", _BANGUNAN),
    Criterion(
        "1b",
        "1",
        "Kepadatan bangunan tinggi yang tidak sesuai dengan ketentuan rencana tata ruang",
        "ha",
        _LUAS,
    ),
    Criterion("1c", "1", "Kualitas bangunan yang tidak memenuhi syarat teknis", "unit", _BANGUNAN),
    Criterion(
        "2a",
        "2",
        "Jaringan jalan lingkungan tidak melayani seluruh lingkungan perumahan atau permukiman",
        "m",
        _JALAN,
    ),
    Criterion("2b", "2", "Kualitas permukaan jalan lingkungan buruk", "m", _JALAN),
    Criterion("3a", "3", "Ketidaktersediaan akses aman air minum", "KK", _KK),
    Criterion(
        "3b",
        "3",
        "Tidak terpenuhinya kebutuhan air minum minimal setiap individu (60 liter/orang/hari)",
        "KK",
        _KK,
    ),
    Criterion(
        "4a",
        "4",
        "Drainase lingkungan tidak mampu mengalirkan limpasan air hujan sehingga menimbulkan "
        "genangan",
        "ha",
        _LUAS,
    ),
    Criterion("4b", "4", "Ketidaktersediaan drainase lingkungan", "m", _DRAINASE),
    Criterion("4c", "4", "Kualitas konstruksi drainase lingkungan buruk", "m", _DRAINASE),
    Criterion(
        "5a",
        "5",
        "Sistem pengelolaan air limbah tidak sesuai dengan standar teknis",
        "KK",
        _KK,
    ),
    Criterion(
        "5b",
        "5",
        "Prasarana dan sarana pengelolaan air limbah tidak memenuhi persyaratan teknis",
        "KK",
        _KK,
    ),
    Criterion(
        "6a",
        "6",
        "Prasarana dan sarana persampahan tidak memenuhi persyaratan teknis",
        "KK",
        _KK,
    ),
    Criterion(
        "6b",
        "6",
        "Sistem pengelolaan persampahan tidak memenuhi persyaratan teknis",
        "KK",
        _KK,
    ),
    Criterion("7a", "7", "Ketidaktersediaan prasarana proteksi kebakaran", "unit", _BANGUNAN),
    Criterion("7b", "7", "Ketidaktersediaan sarana proteksi kebakaran", "unit", _BANGUNAN),
)

_EXTRA_2016 = {
    # Permen PUPR 02/PRT/M/2016 lists the drainage conditions as a. genangan, b. not available,
    # c. not connected to the city drainage system, d. not maintained, e. poor construction
    # quality: 2018's 4c (poor construction) is the 2016 rule set's 4e, so 4c is replaced
    # (``_GANTI_2016``) by the three 2016 letters in the regulation's order.
    "4c": (
        Criterion(
            "4c",
            "4",
            "Drainase lingkungan tidak terhubung dengan sistem drainase perkotaan",
            "m",
            _DRAINASE,
        ),
        Criterion(
            "4d",
            "4",
            "Drainase lingkungan tidak dipelihara sehingga terjadi endapan/sampah",
            "m",
            _DRAINASE,
        ),
        Criterion("4e", "4", "Kualitas konstruksi drainase lingkungan buruk", "m", _DRAINASE),
    ),
    "6b": (Criterion("6c", "6", "Prasarana dan sarana persampahan tidak terpelihara", "KK", _KK),),
}
_GANTI_2016 = frozenset({"4c"})

#: Permen PUPR No. 14/PRT/M/2018: 7 aspects, 16 criteria, max 80; bands 60/38/16 [checked].
PERMEN_14_2018 = RuleSet(
    code="permen_14_2018",
    name="Permen PUPR No. 14/PRT/M/2018",
    aspects=_ASPECTS,
    criteria=_CRITERIA_2018,
)

#: Permen PUPR No. 02/PRT/M/2016: 19 criteria, max 95; bands 71/45/19 are [unconfirmed].
PERMEN_02_2016 = RuleSet(
    code="permen_02_2016",
    name="Permen PUPR No. 02/PRT/M/2016",
    aspects=_ASPECTS,
    criteria=tuple(c for base in _CRITERIA_2018 for c in (
        *(() if base.code in _GANTI_2016 else (base,)), *_EXTRA_2016.get(base.code, ()))),
    level_bands=((71, KUMUH_BERAT), (45, KUMUH_SEDANG), (19, KUMUH_RINGAN)),
)

#: The built-in rule sets by code.
RULE_SETS: Mapping[str, RuleSet] = MappingProxyType(
    {r.code: r for r in (PERMEN_14_2018, PERMEN_02_2016)}
)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    """The scored condition of one criterion."""

    code: str
    aspect: str
    name: str
    unit: str
    denominator_field: str
    volume: Decimal
    denominator: Decimal
    percent: Decimal
    score: int
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (Decimals as strings)."""
        return {
            "code": self.code,
            "aspect": self.aspect,
            "name": self.name,
            "unit": self.unit,
            "denominator_field": self.denominator_field,
            "volume": _dec_str(self.volume),
            "denominator": _dec_str(self.denominator),
            "percent": _dec_str(self.percent),
            "score": self.score,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class AspectResult:
    """One aspect: the mean of its criteria percentages and the sum of their scores."""

    code: str
    name: str
    criteria: tuple[str, ...]
    mean_percent: Decimal
    score: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (Decimals as strings)."""
        return {
            "code": self.code,
            "name": self.name,
            "criteria": list(self.criteria),
            "mean_percent": _dec_str(self.mean_percent),
            "score": self.score,
        }


@dataclass(frozen=True)
class AssessmentResult:
    """The scored assessment.

    Results are stored as tuples (immutable, picklable for caches); ``criteria``, ``aspects`` and
    ``header`` are read-only mappings built from them, keyed by code, in rule-set order.
    """

    rules_code: str
    header_items: tuple[tuple[str, Decimal], ...]
    criterion_results: tuple[CriterionResult, ...]
    aspect_results: tuple[AspectResult, ...]
    total: int
    max_total: int
    level: str
    sectoral_mean: Decimal

    @property
    def criteria(self) -> Mapping[str, CriterionResult]:
        return MappingProxyType({r.code: r for r in self.criterion_results})

    @property
    def aspects(self) -> Mapping[str, AspectResult]:
        return MappingProxyType({r.code: r for r in self.aspect_results})

    @property
    def header(self) -> Mapping[str, Decimal]:
        return MappingProxyType(dict(self.header_items))

    @property
    def level_label(self) -> str:
        """Indonesian label of the level, e.g. "Tidak Kumuh"."""
        return LEVEL_LABELS[self.level]

    @property
    def is_kumuh(self) -> bool:
        """True unless the level is "tidak kumuh" (a location leaves the slum list below it)."""
        return self.level != TIDAK_KUMUH

    @property
    def flagged(self) -> tuple[CriterionResult, ...]:
        """Criteria whose data look wrong (see the ``FLAG_*`` constants)."""
        return tuple(r for r in self.criterion_results if r.flags)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form for endpoints: Decimals as strings, mappings in rule order."""
        return {
            "rules": self.rules_code,
            "total": self.total,
            "max_total": self.max_total,
            "level": self.level,
            "level_label": self.level_label,
            "sectoral_mean": _dec_str(self.sectoral_mean),
            "header": {k: _dec_str(v) for k, v in self.header_items},
            "aspects": {r.code: r.as_dict() for r in self.aspect_results},
            "criteria": {r.code: r.as_dict() for r in self.criterion_results},
        }


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _normalise_header(header: Mapping[str, object]) -> dict[str, Decimal]:
    """All five header values as Decimals; a missing key is a programming error."""
    missing = [k for k in HEADER_FIELDS if k not in header]
    if missing:
        raise ValueError(f"header is missing {', '.join(missing)}")
    return {k: _to_decimal(header[k], k) for k in HEADER_FIELDS}


def _flags(volume: Decimal, denominator: Decimal) -> tuple[str, ...]:
    flags = []
    if volume < 0:
        flags.append(FLAG_NEGATIVE_VOLUME)
    if denominator < 0:
        flags.append(FLAG_NEGATIVE_DENOMINATOR)
    if denominator == 0 and volume != 0:
        flags.append(FLAG_ZERO_DENOMINATOR)
    elif denominator > 0 and volume > denominator:
        flags.append(FLAG_ABOVE_DENOMINATOR)
    return tuple(flags)


def score_assessment(
    header: Mapping[str, object],
    volumes: Mapping[str, object] | None,
    rules: RuleSet,
) -> AssessmentResult:
    """Score one assessment (or an aggregate, see :func:`aggregate_inputs`).

    ``header`` holds the five :data:`HEADER_FIELDS`; ``volumes`` maps criterion codes to the
    deficient volume. A missing (or ``None``) volume counts as 0; codes the rule set does not know
    are ignored, so data entered under another rule set can be re-scored for comparison.

    Whatever is given is scored (negative volumes, volumes above the denominator, zero
    denominators); validation belongs to the entry form. The result carries ``flags`` instead.
    """
    head = _normalise_header(header)
    vols = volumes or {}

    results: list[CriterionResult] = []
    for crit in rules.criteria:
        volume = _to_decimal(vols.get(crit.code), f"volume {crit.code}")
        denominator = head[crit.denominator]
        percent = percent_of(volume, denominator)
        results.append(
            CriterionResult(
                code=crit.code,
                aspect=crit.aspect,
                name=crit.name,
                unit=crit.unit,
                denominator_field=crit.denominator,
                volume=volume,
                denominator=denominator,
                percent=percent,
                score=rules.score_for(percent),
                flags=_flags(volume, denominator),
            )
        )

    aspect_results = []
    for aspect in rules.aspects:
        members = [r for r in results if r.aspect == aspect.code]
        aspect_results.append(
            AspectResult(
                code=aspect.code,
                name=aspect.name,
                criteria=tuple(r.code for r in members),
                mean_percent=_mean(r.percent for r in members),
                score=sum(r.score for r in members),
            )
        )

    total = sum(r.score for r in results)
    return AssessmentResult(
        rules_code=rules.code,
        header_items=tuple(head.items()),
        criterion_results=tuple(results),
        aspect_results=tuple(aspect_results),
        total=total,
        max_total=rules.max_total,
        level=rules.level_for(total),
        # Mean of the displayed (rounded) aspect means, so the page's numbers add up.
        sectoral_mean=_mean(a.mean_percent for a in aspect_results),
    )


def aggregate_inputs(
    items: Iterable[tuple[Mapping[str, object], Mapping[str, object] | None]],
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Sum headers and volumes of several locations, to score a kawasan, desa, kecamatan, ...

    DOMAIN §4: aggregate by summing volumes and denominators, *then* scoring; never average the
    locations' percentages or scores. No items gives a zero header and no volumes.
    """
    header = {k: _ZERO for k in HEADER_FIELDS}
    volumes: dict[str, Decimal] = {}
    for item_header, item_volumes in items:
        for key, value in _normalise_header(item_header).items():
            header[key] += value
        for code, value in (item_volumes or {}).items():
            volumes[code] = volumes.get(code, _ZERO) + _to_decimal(value, f"volume {code}")
    return header, volumes


def kumuh_akhir(volumes: Mapping[str, object], handled: Mapping[str, object]) -> dict[str, Decimal]:
    """Remaining slum volume per criterion: baseline minus handled volume, never below 0.

    Keys are the union of both mappings (baseline order first). A negative handled volume is
    treated as 0: handling can only reduce the baseline, and a bad activity row should not make
    a dashboard fail.
    """
    codes = list(volumes) + [c for c in handled if c not in volumes]
    result: dict[str, Decimal] = {}
    for code in codes:
        baseline = _to_decimal(volumes.get(code), f"volume {code}")
        done = max(_ZERO, _to_decimal(handled.get(code), f"handled {code}"))
        result[code] = max(_ZERO, baseline - done)
    return result


# --------------------------------------------------------------------------------------------
# Priority and handling (tables [unconfirmed], stored in the rule set)
# --------------------------------------------------------------------------------------------


def legal_status(status_lahan_jelas: bool, sesuai_tata_ruang: bool,
                 rules: RuleSet | None = None) -> bool:
    """Legalitas lahan: by default legal only if the land status is clear *and* it fits the
    spatial plan; a rule set with ``legal_rule="salah_satu"`` accepts either.

    An unanswered question (``None``) counts as "no".
    """
    answers = (status_lahan_jelas is True, sesuai_tata_ruang is True)
    if rules is not None and rules.legal_rule == "salah_satu":
        return any(answers)
    return all(answers)


def density_factor(penduduk: object, luas_ha: object, rules: RuleSet) -> int | None:
    """The "kepadatan penduduk" factor value from people and area (people per ha, banded by
    ``rules.density_bands``); ``None`` when either is unknown or the area is 0."""
    if penduduk in (None, "") or luas_ha in (None, ""):
        return None
    area = _to_decimal(luas_ha, "luas_ha")
    if area <= 0:
        return None
    density = _to_decimal(penduduk, "penduduk") / area
    for min_density, value in rules.density_bands:
        if density >= min_density:
            return value
    return None


def _factor_value(value: object, name: str, allowed: tuple[int, ...]) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name}: nilai harus salah satu dari {allowed}, bukan {value!r}")
    try:
        number = _to_decimal(value, name)
    except ValueError:
        raise ValueError(f"{name}: nilai harus salah satu dari {allowed}") from None
    if number != number.to_integral_value() or int(number) not in allowed:
        raise ValueError(f"{name}: nilai harus salah satu dari {allowed}, bukan {value!r}")
    return int(number)


def pertimbangan_lain_class(
    nilai_strategis: int,
    kepadatan_penduduk: int,
    potensi_sosial_ekonomi: int,
    rules: RuleSet,
) -> str:
    """Class of "pertimbangan lain": "A" (high), "B" (medium) or "C" (low).

    Each factor must be one of its allowed values (default 1/5, 1/3/5, 1/5; ``ValueError``
    otherwise); their sum is classed by ``rules.pertimbangan_bands`` (default 11-15 A, 6-10 B,
    1-5 C).
    """
    values = (nilai_strategis, kepadatan_penduduk, potensi_sosial_ekonomi)
    total = sum(
        _factor_value(value, name, allowed)
        for value, (name, allowed) in zip(values, rules.pertimbangan_factors, strict=True)
    )
    for min_sum, letter in rules.pertimbangan_bands:
        if total >= min_sum:
            return letter
    raise ValueError(f"jumlah pertimbangan lain {total} di bawah semua kelas")


def _check_level(level: str) -> None:
    if level not in LEVEL_LABELS:
        raise ValueError(f"unknown level {level!r}")


def priority_class(
    level: str, legal: bool, pertimbangan: str, rules: RuleSet
) -> str | None:
    """Priority class such as "A1": pertimbangan letter + number for level and land legality.

    Default numbers: 1/2/3 for berat/sedang/ringan on legal land, 4/5/6 on illegal land.
    "tidak_kumuh" has no priority (``None``).
    """
    _check_level(level)
    letters = {letter for _min, letter in rules.pertimbangan_bands}
    if pertimbangan not in letters:
        raise ValueError(f"unknown pertimbangan class {pertimbangan!r}")
    if level == TIDAK_KUMUH:
        return None
    for lv, lg, number in rules.priority_numbers:
        if lv == level and lg == bool(legal):
            return f"{pertimbangan}{number}"
    raise ValueError(f"{rules.code}: no priority number for {level}, legal={bool(legal)}")


def handling_pattern(level: str, legal: bool, rules: RuleSet) -> str | None:
    """Handling pattern (pola penanganan) for a level and land legality.

    Default: berat/sedang on legal land → "peremajaan"; ringan on legal land → "pemugaran";
    illegal land → "pemukiman_kembali"; "tidak_kumuh" → ``None``.
    """
    _check_level(level)
    if level == TIDAK_KUMUH:
        return None
    for lv, lg, pattern in rules.handling_patterns:
        if lv == level and lg == bool(legal):
            return pattern
    raise ValueError(f"{rules.code}: no handling pattern for {level}, legal={bool(legal)}")
