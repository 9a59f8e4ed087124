"""Tests of the pure scoring module (no database, no Django)."""

from __future__ import annotations

import dataclasses
import json
import pickle
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desa.scoring import (
    FLAG_ABOVE_DENOMINATOR,
    FLAG_NEGATIVE_VOLUME,
    FLAG_ZERO_DENOMINATOR,
    HEADER_FIELDS,
    KUMUH_BERAT,
    KUMUH_RINGAN,
    KUMUH_SEDANG,
    LEVEL_LABELS,
    LEVELS,
    PEMUGARAN,
    PEMUKIMAN_KEMBALI,
    PEREMAJAAN,
    PERMEN_02_2016,
    PERMEN_14_2018,
    TIDAK_KUMUH,
    Aspect,
    Criterion,
    RuleSet,
    aggregate_inputs,
    handling_pattern,
    kumuh_akhir,
    legal_status,
    percent_of,
    pertimbangan_lain_class,
    priority_class,
    score_assessment,
)

# Hypothesis: modest and deterministic-friendly; no example database written into the repo.
PROPERTY = settings(max_examples=200, deadline=None, database=None)

RULE_SETS = [PERMEN_14_2018, PERMEN_02_2016]
CODES_2018 = ("1a 1b 1c 2a 2b 3a 3b 4a 4b 4c 5a 5b 6a 6b 7a 7b").split()


def header_all(value: object) -> dict[str, object]:
    """A header with the same denominator everywhere (100 makes volume == percent)."""
    return dict.fromkeys(HEADER_FIELDS, value)


def one_criterion(code: str, volume: object, denominator: object = 100, rules=PERMEN_14_2018):
    """Score a single criterion with every other volume at 0."""
    result = score_assessment(header_all(denominator), {code: volume}, rules=rules)
    return result.criteria[code]


# --------------------------------------------------------------------------------------------
# The published Kebunan example (data/scoring_example_kebunan.json, copied so the test stands
# alone): official percentages, total 14, "tidak kumuh".
# --------------------------------------------------------------------------------------------

KEBUNAN_HEADER = {
    "luas_ha": 1.31,
    "jumlah_bangunan": 50,
    "jumlah_kk": 58,
    "panjang_jalan_ideal_m": 824,
    "panjang_drainase_ideal_m": 540.9,
}
KEBUNAN_VOLUMES = {
    "1a": 21, "1b": 0, "1c": 24, "2a": 0, "2b": 0, "3a": 24, "3b": 0, "4a": 0,
    "4b": 76.9, "4c": 54, "5a": 0, "5b": 16, "6a": 58, "6b": 58, "7a": 0, "7b": 0,
}  # fmt: skip
KEBUNAN_EXPECTED = {
    # code: (percent, score); the non-zero percentages are the official published ones.
    "1a": ("42.00", 1), "1b": ("0.00", 0), "1c": ("48.00", 1),
    "2a": ("0.00", 0), "2b": ("0.00", 0),
    "3a": ("41.38", 1), "3b": ("0.00", 0),
    "4a": ("0.00", 0), "4b": ("14.22", 0), "4c": ("9.98", 0),
    "5a": ("0.00", 0), "5b": ("27.59", 1),
    "6a": ("100.00", 5), "6b": ("100.00", 5),
    "7a": ("0.00", 0), "7b": ("0.00", 0),
}  # fmt: skip


@pytest.fixture(scope="module")
def kebunan():
    return score_assessment(KEBUNAN_HEADER, KEBUNAN_VOLUMES, rules=PERMEN_14_2018)


@pytest.mark.parametrize("code", CODES_2018)
def test_kebunan_every_criterion(kebunan, code):
    percent, score = KEBUNAN_EXPECTED[code]
    result = kebunan.criteria[code]
    assert result.percent == Decimal(percent)
    assert str(result.percent) == percent  # exactly 2 decimal places
    assert result.score == score


def test_kebunan_total_and_level(kebunan):
    assert kebunan.total == 14
    assert kebunan.level == TIDAK_KUMUH
    assert kebunan.level_label == "Tidak Kumuh"
    assert kebunan.max_total == 80
    assert not kebunan.is_kumuh
    assert list(kebunan.criteria) == CODES_2018


def test_kebunan_aspect_and_sectoral_means(kebunan):
    # Not published; computed by hand from the official percentages (half-up, 2 dp).
    expected = {
        "1": "30.00", "2": "0.00", "3": "20.69", "4": "8.07",
        "5": "13.80",  # (0 + 27.59) / 2 = 13.795 -> 13.80: half-up, not banker's rounding
        "6": "100.00", "7": "0.00",
    }  # fmt: skip
    assert {code: str(a.mean_percent) for code, a in kebunan.aspects.items()} == expected
    assert kebunan.aspects["6"].score == 10
    assert kebunan.aspects["1"].criteria == ("1a", "1b", "1c")
    # (30.00 + 0 + 20.69 + 8.07 + 13.80 + 100 + 0) / 7 = 24.651...
    assert kebunan.sectoral_mean == Decimal("24.65")


def test_kebunan_as_dict_is_json(kebunan):
    data = json.loads(json.dumps(kebunan.as_dict()))
    assert data["total"] == 14
    assert data["level"] == "tidak_kumuh"
    assert data["level_label"] == "Tidak Kumuh"
    assert data["rules"] == PERMEN_14_2018.code
    assert data["sectoral_mean"] == "24.65"
    assert data["criteria"]["4b"]["percent"] == "14.22"
    assert data["criteria"]["4b"]["volume"] == "76.9"  # float input kept as typed, not 76.9000001
    assert data["criteria"]["4b"]["denominator"] == "540.9"
    assert data["aspects"]["5"]["mean_percent"] == "13.80"
    assert data["header"]["luas_ha"] == "1.31"
    assert list(data["criteria"]) == CODES_2018


def test_kebunan_same_result_from_decimals_and_strings(kebunan):
    as_decimal = {k: Decimal(str(v)) for k, v in KEBUNAN_VOLUMES.items()}
    as_text = {k: str(v) for k, v in KEBUNAN_HEADER.items()}
    assert score_assessment(as_text, as_decimal, rules=PERMEN_14_2018) == kebunan


def test_result_objects_are_frozen_and_picklable(kebunan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        kebunan.total = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        kebunan.criteria["1a"].score = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        kebunan.criteria["1a"] = None  # type: ignore[index]
    assert pickle.loads(pickle.dumps(kebunan)) == kebunan


# --------------------------------------------------------------------------------------------
# Score bands and rounding
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "score"),
    [
        ("0", 0),
        ("24.99", 0),
        ("25", 1),
        ("25.00", 1),
        ("50", 1),
        ("50.91", 1),
        ("51", 3),
        ("75", 3),
        ("75.38", 3),
        ("76", 5),
        ("100", 5),
        ("175.44", 5),  # a volume above its denominator (published data error) still scores
    ],
)
def test_score_band_edges(percent, score):
    # With denominator 100 the volume is the percentage.
    result = one_criterion("2b", Decimal(percent))
    assert result.percent == Decimal(percent)
    assert result.score == score
    assert PERMEN_14_2018.score_for(Decimal(percent)) == score
    assert PERMEN_02_2016.score_for(Decimal(percent)) == score


@pytest.mark.parametrize(
    ("volume", "denominator", "percent", "score"),
    [
        ("49.99", 200, "25.00", 1),  # 24.995 rounds half-up to 25.00 -> score 1
        ("249.95", 1000, "25.00", 1),  # same tie, other scale
        ("49.988", 200, "24.99", 0),  # 24.994 rounds down -> score 0
        ("101.99", 200, "51.00", 3),  # 50.995 -> 51.00
        ("151.99", 200, "76.00", 5),  # 75.995 -> 76.00
        ("1", 3, "33.33", 1),
        ("2", 3, "66.67", 3),
        ("0.005", 1, "0.50", 0),
        ("-0.00005", 1, "-0.01", 0),  # -0.005: half-up means ties away from zero
    ],
)
def test_half_up_rounding(volume, denominator, percent, score):
    result = one_criterion("4b", Decimal(volume), denominator)
    assert str(result.percent) == percent
    assert result.score == score


def test_rounding_is_not_bankers():
    # Python's round() and Decimal's default context round 0.125 to 0.12; the rule is half-up.
    assert percent_of(Decimal("0.125"), Decimal(100)) == Decimal("0.13")
    assert percent_of(Decimal("0.135"), Decimal(100)) == Decimal("0.14")


def test_float_inputs_use_their_decimal_text():
    # 0.1 + 0.2 style binary error must not move a value across a band edge.
    assert percent_of(24.995, 100) == Decimal("25.00")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Zero denominators, negative and odd inputs
# --------------------------------------------------------------------------------------------


def test_zero_denominator_zero_volume_is_zero_percent():
    result = one_criterion("2a", 0, denominator=0)
    assert result.percent == Decimal("0.00")
    assert result.score == 0
    assert result.flags == ()


def test_zero_denominator_positive_volume_is_full():
    # Documented choice: a deficiency reported on an unmeasured base counts as 100 %.
    result = one_criterion("2a", 12, denominator=0)
    assert result.percent == Decimal("100.00")
    assert result.score == 5
    assert FLAG_ZERO_DENOMINATOR in result.flags


def test_zero_denominator_negative_volume_is_zero():
    result = one_criterion("2a", -3, denominator=0)
    assert result.percent == Decimal("0.00")
    assert result.score == 0
    assert set(result.flags) == {FLAG_NEGATIVE_VOLUME, FLAG_ZERO_DENOMINATOR}


def test_all_zero_header_and_volumes():
    result = score_assessment(header_all(0), {}, rules=PERMEN_14_2018)
    assert result.total == 0
    assert result.level == TIDAK_KUMUH
    assert result.sectoral_mean == Decimal("0.00")


def test_negative_volume_scores_zero_and_is_flagged():
    result = one_criterion("5a", -20)
    assert result.percent == Decimal("-20.00")
    assert result.score == 0
    assert result.flags == (FLAG_NEGATIVE_VOLUME,)


def test_volume_above_denominator_scores_and_is_flagged():
    result = one_criterion("1a", Decimal("175.44"))
    assert result.score == 5
    assert result.flags == (FLAG_ABOVE_DENOMINATOR,)
    flagged = score_assessment(header_all(100), {"1a": 200}, rules=PERMEN_14_2018).flagged
    assert [r.code for r in flagged] == ["1a"]


def test_missing_and_none_volumes_are_zero():
    result = score_assessment(header_all(10), {"1a": None}, rules=PERMEN_14_2018)
    assert all(r.percent == 0 and r.score == 0 for r in result.criteria.values())
    assert score_assessment(header_all(10), None, rules=PERMEN_14_2018).total == 0


def test_unknown_volume_codes_are_ignored():
    # A 2016 assessment (with 4d, 4e, 6c) can be re-scored under the 2018 rules.
    result = score_assessment(header_all(10), {"4d": 10, "6c": 10}, rules=PERMEN_14_2018)
    assert result.total == 0
    assert "4d" not in result.criteria


def test_missing_header_key_is_an_error():
    header = header_all(10)
    del header["jumlah_kk"]
    with pytest.raises(ValueError, match="jumlah_kk"):
        score_assessment(header, {}, rules=PERMEN_14_2018)


@pytest.mark.parametrize("bad", ["abc", "1,218", float("nan"), float("inf"), "NaN", True])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        score_assessment(header_all(10), {"1a": bad}, rules=PERMEN_14_2018)
    with pytest.raises(ValueError):
        score_assessment({**header_all(10), "luas_ha": bad}, {}, rules=PERMEN_14_2018)


# --------------------------------------------------------------------------------------------
# Level bands
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (0, TIDAK_KUMUH),
        (15, TIDAK_KUMUH),
        (16, KUMUH_RINGAN),
        (37, KUMUH_RINGAN),
        (38, KUMUH_SEDANG),
        (59, KUMUH_SEDANG),
        (60, KUMUH_BERAT),
        (80, KUMUH_BERAT),
    ],
)
def test_level_band_edges_2018(total, level):
    assert PERMEN_14_2018.level_for(total) == level


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (18, TIDAK_KUMUH),
        (19, KUMUH_RINGAN),
        (44, KUMUH_RINGAN),
        (45, KUMUH_SEDANG),
        (70, KUMUH_SEDANG),
        (71, KUMUH_BERAT),
        (95, KUMUH_BERAT),
    ],
)
def test_level_band_edges_2016(total, level):
    assert PERMEN_02_2016.level_for(total) == level


@pytest.mark.parametrize(
    ("volumes", "total", "level"),
    [
        # Scores through the whole pipeline: 3 criteria at 5 = 15, one more point = 16.
        ({"1a": 100, "1b": 100, "1c": 100}, 15, TIDAK_KUMUH),
        ({"1a": 100, "1b": 100, "1c": 100, "2a": 25}, 16, KUMUH_RINGAN),
        (dict.fromkeys(CODES_2018[:12], 100), 60, KUMUH_BERAT),
        (dict.fromkeys(CODES_2018, 100), 80, KUMUH_BERAT),
    ],
)
def test_level_from_scored_volumes(volumes, total, level):
    result = score_assessment(header_all(100), volumes, rules=PERMEN_14_2018)
    assert (result.total, result.level) == (total, level)


def test_level_ranges_for_legends():
    assert PERMEN_14_2018.level_ranges() == (
        (TIDAK_KUMUH, 0, 15),
        (KUMUH_RINGAN, 16, 37),
        (KUMUH_SEDANG, 38, 59),
        (KUMUH_BERAT, 60, 80),
    )
    assert PERMEN_02_2016.level_ranges()[0] == (TIDAK_KUMUH, 0, 18)
    assert PERMEN_02_2016.level_ranges()[-1] == (KUMUH_BERAT, 71, 95)


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.code)
def test_level_bands_partition_every_total(rules):
    ranges = rules.level_ranges()
    for total in range(rules.max_total + 1):
        containing = [level for level, low, high in ranges if low <= total <= high]
        assert containing == [rules.level_for(total)], total
    assert ranges[0][1] == 0
    assert ranges[-1][2] == rules.max_total
    assert all(high + 1 == low for (_a, _l, high), (_b, low, _h) in pairwise(ranges))


# --------------------------------------------------------------------------------------------
# The rule sets as data
# --------------------------------------------------------------------------------------------


def test_permen_2018_shape():
    r = PERMEN_14_2018
    assert r.criterion_codes == tuple(CODES_2018)
    assert [a.code for a in r.aspects] == list("1234567")
    assert r.aspects[0].name == "Bangunan Gedung"
    assert r.aspects[6].name == "Proteksi Kebakaran"
    assert r.max_total == 80
    assert r.criterion("2b").denominator == "panjang_jalan_ideal_m"
    assert r.criterion("1b").denominator == "luas_ha"
    assert r.criterion("4a").unit == "ha"
    assert r.criterion("7a").denominator == "jumlah_bangunan"
    assert {c.denominator for c in r.criteria} == set(HEADER_FIELDS)


def test_permen_2016_shape():
    r = PERMEN_02_2016
    assert len(r.criteria) == 19
    assert r.max_total == 95
    assert [c.code for c in r.criteria_of("4")] == ["4a", "4b", "4c", "4d", "4e"]
    assert [c.code for c in r.criteria_of("6")] == ["6a", "6b", "6c"]
    assert r.criterion("4d").denominator == "panjang_drainase_ideal_m"
    assert r.criterion("4e").unit == "m"
    assert r.criterion("6c").denominator == "jumlah_kk"
    assert r.level_bands == ((71, KUMUH_BERAT), (45, KUMUH_SEDANG), (19, KUMUH_RINGAN))


def test_levels_constant():
    assert LEVELS == (
        (KUMUH_BERAT, "Kumuh Berat"),
        (KUMUH_SEDANG, "Kumuh Sedang"),
        (KUMUH_RINGAN, "Kumuh Ringan"),
        (TIDAK_KUMUH, "Tidak Kumuh"),
    )
    assert LEVEL_LABELS[KUMUH_SEDANG] == "Kumuh Sedang"
    assert HEADER_FIELDS == (
        "luas_ha",
        "jumlah_bangunan",
        "jumlah_kk",
        "panjang_jalan_ideal_m",
        "panjang_drainase_ideal_m",
    )


def test_2016_assessment_scored_under_both_rule_sets():
    volumes = dict.fromkeys(PERMEN_02_2016.criterion_codes, 100)
    assert score_assessment(header_all(100), volumes, rules=PERMEN_02_2016).total == 95
    assert score_assessment(header_all(100), volumes, rules=PERMEN_14_2018).total == 80


def custom_rules(**overrides) -> RuleSet:
    """A small rule set as the Django layer would build it from rows (lists, ints, strings)."""
    fields = {
        "code": "uji",
        "name": "Uji",
        "aspects": [Aspect("1", "Satu"), Aspect("2", "Dua")],
        "criteria": [
            Criterion("1a", "1", "A", "unit", "jumlah_bangunan"),
            Criterion("2a", "2", "B", "m", "panjang_jalan_ideal_m"),
        ],
        "score_thresholds": [("50", 2), (10, 1)],
        "level_bands": [[3, KUMUH_BERAT], [1, KUMUH_RINGAN]],
    }
    fields.update(overrides)
    return RuleSet(**fields)


def test_custom_rule_set_from_rows():
    rules = custom_rules()
    assert rules.max_total == 4
    assert rules.score_thresholds == ((Decimal(50), 2), (Decimal(10), 1))
    assert isinstance(rules.criteria, tuple)
    hash(rules)  # usable as a cache key
    result = score_assessment(header_all(100), {"1a": 50, "2a": 10}, rules=rules)
    assert (result.total, result.level) == (3, KUMUH_BERAT)
    assert score_assessment(header_all(100), {"2a": 10}, rules=rules).level == KUMUH_RINGAN
    assert score_assessment(header_all(100), {}, rules=rules).level == TIDAK_KUMUH


@pytest.mark.parametrize(
    "overrides",
    [
        {"criteria": [Criterion("1a", "9", "A", "unit", "jumlah_bangunan")]},  # unknown aspect
        {"criteria": [Criterion("1a", "1", "A", "unit", "luas_m2")]},  # unknown denominator
        {
            "criteria": [
                Criterion("1a", "1", "A", "unit", "jumlah_bangunan"),
                Criterion("1a", "2", "B", "m", "panjang_jalan_ideal_m"),
            ]
        },  # duplicate code
        {"criteria": [Criterion("1a", "1", "A", "unit", "jumlah_bangunan")]},  # aspect 2 empty
        {"score_thresholds": [(10, 1), (50, 2)]},  # not descending
        {"score_thresholds": []},
        {"level_bands": [[1, KUMUH_RINGAN], [3, KUMUH_BERAT]]},  # not descending
        {"level_bands": [[9, KUMUH_BERAT]]},  # above max_total (4)
        {"level_bands": [[3, "parah"]]},  # unknown level
        {"pertimbangan_bands": [(1, "C"), (6, "B")]},
        {"handling_patterns": [(KUMUH_BERAT, True, "digusur")]},
    ],
)
def test_inconsistent_rule_sets_are_refused(overrides):
    with pytest.raises(ValueError):
        custom_rules(**overrides)


# --------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------

non_negative = st.decimals(min_value=0, max_value=10**6, places=2)
any_volume = st.decimals(min_value=-1000, max_value=10**6, places=2)
rule_sets = st.sampled_from(RULE_SETS)


@st.composite
def assessments(draw, rules=None):
    """(rules, header, volumes) with non-negative denominators (zeros included)."""
    rules = rules or draw(rule_sets)
    header = {k: draw(st.one_of(st.just(Decimal(0)), non_negative)) for k in HEADER_FIELDS}
    volumes = {code: draw(any_volume) for code in rules.criterion_codes}
    return rules, header, volumes


@PROPERTY
@given(assessments(), st.data())
def test_more_volume_never_lowers_a_score_or_the_total(case, data):
    rules, header, volumes = case
    code = data.draw(st.sampled_from(rules.criterion_codes))
    extra = data.draw(st.decimals(min_value=0, max_value=10**6, places=2))
    before = score_assessment(header, volumes, rules=rules)
    after = score_assessment(header, {**volumes, code: volumes[code] + extra}, rules=rules)
    assert after.criteria[code].score >= before.criteria[code].score
    assert after.total >= before.total
    levels = [level for level, _label in LEVELS]  # most severe first
    assert levels.index(after.level) <= levels.index(before.level)


@PROPERTY
@given(assessments())
def test_total_is_sum_of_scores_and_level_matches(case):
    rules, header, volumes = case
    result = score_assessment(header, volumes, rules=rules)
    assert result.total == sum(r.score for r in result.criteria.values())
    assert result.total == sum(a.score for a in result.aspects.values())
    assert 0 <= result.total <= rules.max_total
    assert result.level == rules.level_for(result.total)
    for r in result.criteria.values():
        assert r.score in (0, 1, 3, 5)
        assert r.percent == r.percent.quantize(Decimal("0.01"))
        assert r.score == rules.score_for(r.percent)
    json.dumps(result.as_dict())


@PROPERTY
@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
    st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3),
)
def test_percent_matches_decimal_half_up(volume, denominator):
    with localcontext() as ctx:
        ctx.prec = 80  # far more digits than the inputs can produce before the 2nd decimal
        expected = (volume * 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert percent_of(volume, denominator) == expected


@PROPERTY
@given(st.integers(min_value=-5, max_value=200), rule_sets)
def test_every_total_maps_to_exactly_one_level(total, rules):
    level = rules.level_for(total)
    assert level in LEVEL_LABELS
    clamped = min(max(total, 0), rules.max_total)
    matches = [lv for lv, low, high in rules.level_ranges() if low <= clamped <= high]
    assert matches == [level]


# --------------------------------------------------------------------------------------------
# Aggregation and kumuh akhir
# --------------------------------------------------------------------------------------------


def test_aggregate_sums_headers_and_volumes():
    locations = [
        (header_all(100), {"1a": 30, "2b": 10}),
        (header_all(50), {"1a": 20, "4d": 5}),
        (header_all("0.5"), None),
    ]
    header, volumes = aggregate_inputs(locations)
    assert header == dict.fromkeys(HEADER_FIELDS, Decimal("150.5"))
    assert volumes == {"1a": Decimal(50), "2b": Decimal(10), "4d": Decimal(5)}
    result = score_assessment(header, volumes, rules=PERMEN_14_2018)
    # Sum first, then score: 50 / 150.5 = 33.22 % -> 1 (not the mean of 30 % and 40 %).
    assert result.criteria["1a"].percent == Decimal("33.22")
    assert result.criteria["1a"].score == 1


def test_aggregate_differs_from_averaging_scores():
    # One location at 100 % (score 5) and a big one at 0 %: the kawasan is at 9.09 % -> 0.
    header, volumes = aggregate_inputs([(header_all(10), {"6a": 10}), (header_all(100), {"6a": 0})])
    assert score_assessment(header, volumes, rules=PERMEN_14_2018).criteria["6a"].score == 0


def test_aggregate_of_nothing_is_zero():
    header, volumes = aggregate_inputs([])
    assert header == dict.fromkeys(HEADER_FIELDS, Decimal(0))
    assert volumes == {}
    assert score_assessment(header, volumes, rules=PERMEN_14_2018).total == 0


def test_aggregate_single_location_is_identity():
    header, volumes = aggregate_inputs([(KEBUNAN_HEADER, KEBUNAN_VOLUMES)])
    assert score_assessment(header, volumes, rules=PERMEN_14_2018).total == 14


def test_kumuh_akhir():
    baseline = {"2b": Decimal(300), "4b": Decimal(100), "5a": Decimal(10)}
    handled = {"2b": Decimal(170), "4b": Decimal(150), "7a": Decimal(2)}
    assert kumuh_akhir(baseline, handled) == {
        "2b": Decimal(130),
        "4b": Decimal(0),  # handled more than the baseline: never below zero
        "5a": Decimal(10),
        "7a": Decimal(0),
    }


def test_kumuh_akhir_ignores_negative_handled_and_clamps_negative_baseline():
    assert kumuh_akhir({"1a": 10, "1b": -5}, {"1a": -3}) == {"1a": Decimal(10), "1b": Decimal(0)}


@PROPERTY
@given(
    st.dictionaries(st.sampled_from(CODES_2018), any_volume),
    st.dictionaries(st.sampled_from(CODES_2018), any_volume),
)
def test_kumuh_akhir_never_below_zero_nor_above_baseline(baseline, handled):
    result = kumuh_akhir(baseline, handled)
    assert set(result) == set(baseline) | set(handled)
    for code, remaining in result.items():
        assert remaining >= 0
        assert remaining <= max(Decimal(0), baseline.get(code, Decimal(0)))


@PROPERTY
@given(assessments(rules=PERMEN_14_2018), st.data())
def test_handling_never_raises_the_score(case, data):
    _rules, header, volumes = case
    handled = data.draw(st.dictionaries(st.sampled_from(CODES_2018), non_negative))
    before = score_assessment(header, volumes, rules=PERMEN_14_2018)
    after = score_assessment(header, kumuh_akhir(volumes, handled), rules=PERMEN_14_2018)
    assert after.total <= before.total


# --------------------------------------------------------------------------------------------
# Legality, pertimbangan lain, priority class, handling pattern ([unconfirmed] tables)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jelas", "sesuai", "legal"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False),
     (None, True, False)],
)  # fmt: skip
def test_legal_status(jelas, sesuai, legal):
    assert legal_status(jelas, sesuai) is legal


@pytest.mark.parametrize("strategis", [1, 5])
@pytest.mark.parametrize("kepadatan", [1, 3, 5])
@pytest.mark.parametrize("potensi", [1, 5])
def test_pertimbangan_lain_all_allowed_combinations(strategis, kepadatan, potensi):
    total = strategis + kepadatan + potensi
    expected = "A" if total >= 11 else "B" if total >= 6 else "C"
    assert pertimbangan_lain_class(strategis, kepadatan, potensi, rules=PERMEN_14_2018) == expected


def test_pertimbangan_lain_examples():
    assert pertimbangan_lain_class(5, 5, 5, rules=PERMEN_14_2018) == "A"  # 15
    assert pertimbangan_lain_class(5, 1, 5, rules=PERMEN_14_2018) == "A"  # 11
    assert pertimbangan_lain_class(5, 3, 1, rules=PERMEN_14_2018) == "B"  # 9
    assert pertimbangan_lain_class(1, 5, 1, rules=PERMEN_14_2018) == "B"  # 7
    assert pertimbangan_lain_class(1, 3, 1, rules=PERMEN_14_2018) == "C"  # 5
    assert pertimbangan_lain_class(1, 1, 1, rules=PERMEN_14_2018) == "C"  # 3


@pytest.mark.parametrize(
    "values",
    [(3, 1, 1), (1, 2, 1), (1, 1, 3), (0, 1, 1), (6, 5, 5), (True, 1, 1), ("x", 1, 1),
     (1.5, 1, 1), (None, 1, 1)],
)  # fmt: skip
def test_pertimbangan_lain_refuses_disallowed_values(values):
    with pytest.raises(ValueError):
        pertimbangan_lain_class(*values, rules=PERMEN_14_2018)


def test_pertimbangan_lain_accepts_integral_decimals_and_strings():
    assert pertimbangan_lain_class(Decimal(5), "5", 5.0, rules=PERMEN_14_2018) == "A"


def test_pertimbangan_lain_thresholds_from_rules():
    rules = custom_rules(pertimbangan_bands=[(15, "A"), (1, "C")])
    assert pertimbangan_lain_class(5, 5, 1, rules=rules) == "C"
    assert pertimbangan_lain_class(5, 5, 5, rules=rules) == "A"


PRIORITY_TABLE = [
    (KUMUH_BERAT, True, 1),
    (KUMUH_SEDANG, True, 2),
    (KUMUH_RINGAN, True, 3),
    (KUMUH_BERAT, False, 4),
    (KUMUH_SEDANG, False, 5),
    (KUMUH_RINGAN, False, 6),
]


@pytest.mark.parametrize(("level", "legal", "number"), PRIORITY_TABLE)
@pytest.mark.parametrize("letter", ["A", "B", "C"])
def test_priority_class_table(level, legal, number, letter):
    assert priority_class(level, legal, letter, rules=PERMEN_14_2018) == f"{letter}{number}"
    assert priority_class(level, legal, letter, rules=PERMEN_02_2016) == f"{letter}{number}"


@pytest.mark.parametrize("legal", [True, False])
def test_priority_class_tidak_kumuh_is_none(legal):
    assert priority_class(TIDAK_KUMUH, legal, "A", rules=PERMEN_14_2018) is None


@pytest.mark.parametrize(("level", "letter"), [("parah", "A"), (KUMUH_BERAT, "D")])
def test_priority_class_refuses_unknown_values(level, letter):
    with pytest.raises(ValueError):
        priority_class(level, True, letter, rules=PERMEN_14_2018)


def test_priority_class_from_configured_table():
    table = [(lv, lg, n + 10) for lv, lg, n in PRIORITY_TABLE]
    assert priority_class(KUMUH_BERAT, True, "B", rules=custom_rules(priority_numbers=table)) == (
        "B11"
    )


@pytest.mark.parametrize(
    ("level", "legal", "pattern"),
    [
        (KUMUH_BERAT, True, PEREMAJAAN),
        (KUMUH_SEDANG, True, PEREMAJAAN),
        (KUMUH_RINGAN, True, PEMUGARAN),
        (KUMUH_BERAT, False, PEMUKIMAN_KEMBALI),
        (KUMUH_SEDANG, False, PEMUKIMAN_KEMBALI),
        (KUMUH_RINGAN, False, PEMUKIMAN_KEMBALI),
        (TIDAK_KUMUH, True, None),
        (TIDAK_KUMUH, False, None),
    ],
)
def test_handling_pattern_table(level, legal, pattern):
    assert handling_pattern(level, legal, rules=PERMEN_14_2018) == pattern
    assert handling_pattern(level, legal, rules=PERMEN_02_2016) == pattern


def test_handling_pattern_unknown_level():
    with pytest.raises(ValueError):
        handling_pattern("parah", True, rules=PERMEN_14_2018)


def test_priority_and_handling_end_to_end():
    result = score_assessment(header_all(100), dict.fromkeys(CODES_2018[:8], 100),
                              rules=PERMEN_14_2018)  # 40
    assert result.level == KUMUH_SEDANG
    legal = legal_status(True, False)
    letter = pertimbangan_lain_class(5, 3, 5, rules=PERMEN_14_2018)
    assert priority_class(result.level, legal, letter, rules=PERMEN_14_2018) == "A5"
    assert handling_pattern(result.level, legal, rules=PERMEN_14_2018) == PEMUKIMAN_KEMBALI
