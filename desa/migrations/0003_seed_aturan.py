"""Seed the two scoring rule sets as data: Permen PUPR 14/PRT/M/2018 (default, 16 criteria)
and the older Permen PUPR 02/PRT/M/2016 (19 criteria; its level bands are unconfirmed).

The rows are copied from ``desa.scoring`` once; afterwards the database is the source an admin
edits (a correction needs no release)."""

from django.db import migrations

DESCRIPTIONS = {
    "permen_14_2018": (
        "Permen PUPR 14/PRT/M/2018 tentang Pencegahan dan Peningkatan Kualitas terhadap "
        "Perumahan Kumuh dan Permukiman Kumuh",
        "7 aspek, 16 kriteria, skor maksimum 80. Ambang skor kriteria: >=76% → 5, >=51% → 3, "
        ">=25% → 1. Tingkat: 60–80 berat, 38–59 sedang, 16–37 ringan, <16 tidak kumuh "
        "[terkonfirmasi dengan data resmi].",
    ),
    "permen_02_2016": (
        "Permen PUPR 02/PRT/M/2016 tentang Peningkatan Kualitas terhadap Perumahan Kumuh dan "
        "Permukiman Kumuh",
        "19 kriteria (tambahan 4d, 4e, 6c), skor maksimum 95. Batas tingkat 71–95 / 45–70 / "
        "19–44 / <19 BELUM TERKONFIRMASI: periksa dan koreksi bila ada sumber resmi.",
    ),
}


def seed(apps, schema_editor):
    from desa import scoring

    Aturan = apps.get_model("desa", "AturanPenilaian")
    Aspek = apps.get_model("desa", "Aspek")
    Kriteria = apps.get_model("desa", "Kriteria")
    for rules, default in ((scoring.PERMEN_14_2018, True), (scoring.PERMEN_02_2016, False)):
        basis, note = DESCRIPTIONS[rules.code]
        aturan, _ = Aturan.objects.update_or_create(kode=rules.code, defaults={
            "nama": rules.name, "dasar_hukum": basis, "keterangan": note, "bawaan": default,
            "ambang_skor": [[int(p), s] for p, s in rules.score_thresholds],
            "batas_tingkat": [list(b) for b in rules.level_bands],
            "tabel_prioritas": {
                "pertimbangan_factors": [[n, list(v)] for n, v in rules.pertimbangan_factors],
                "pertimbangan_bands": [list(b) for b in rules.pertimbangan_bands],
                "priority_numbers": [list(x) for x in rules.priority_numbers],
                "handling_patterns": [list(x) for x in rules.handling_patterns],
            },
        })
        aspek = {}
        for a in rules.aspects:
            aspek[a.code], _ = Aspek.objects.update_or_create(
                aturan=aturan, kode=a.code, defaults={"nama": a.name})
        for i, c in enumerate(rules.criteria, start=1):
            Kriteria.objects.update_or_create(aturan=aturan, kode=c.code, defaults={
                "aspek": aspek[c.aspect], "nama": c.name, "satuan": c.unit,
                "penyebut": c.denominator, "urutan": i,
            })


class Migration(migrations.Migration):
    dependencies = [("desa", "0002_aturanpenilaian_aspek_historicalaspek_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
