"""Issue 14 on the pages: filtered totals, one picture of Bibrik everywhere, demo marks."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
from tests.demo_cepat import muat_demo


@pytest.mark.django_db
def test_activity_list_filtered_by_source_totals_the_filtered_share(client, jiwan):
    bibrik = jiwan.get(nama="Bibrik")
    pupr = buat_pemangku("Kementerian PUPR", "kementerian")
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=bibrik)
    buat_kegiatan(bibrik, lines=[(pupr, "apbn", 600_000_000, 500_000_000),
                                 (pemdes, "dana-desa", 150_000_000, 100_000_000)])
    buat_kegiatan(bibrik, nama="Drainase", kode_kriteria="4b",
                  lines=[(pemdes, "dana-desa", 80_000_000)])
    response = client.get(reverse("anggaran:kegiatan_list"), {"sumber": "apbn"})
    body = response.content.decode()
    assert response.context["total_filter"]["rencana"] == D(600_000_000)
    assert response.context["total"]["rencana"] == D(750_000_000)
    assert "rencana sesuai filter Rp 600.000.000" in body
    assert "seluruh biaya kegiatan ini (semua sumber)" in body and "Rp 750.000.000" in body
    plain = client.get(reverse("anggaran:kegiatan_list")).content.decode()
    assert "sesuai filter Rp" not in plain and "Rp 830.000.000" in plain


BIBRIK = "35.19.09.2014"
JIWAN = "35.19.09"


@pytest.fixture
def demo(jiwan):


    muat_demo()
    return jiwan


@pytest.mark.django_db
def test_bibrik_shows_the_same_terukur_and_proyeksi_everywhere(client, demo):
    """Beranda, desa page, Dampak, the PDFs' data and open data: one picture of Bibrik."""
    from anggaran import dashboard as dash
    from desa.models import Desa, Kecamatan
    from kotaku import laporan

    bibrik = Desa.objects.get(kode_wilayah=BIBRIK)
    row = next(d for d in dash.dampak()[0] if d.key == bibrik.pk)
    terukur, proyeksi = row.terukur.total, row.proyeksi.total

    # Dampak (page)
    dampak = client.get(reverse("dampak"))
    d = next(d for d in dampak.context["rows"] if d.key == bibrik.pk)
    assert (d.terukur.total, d.proyeksi.total) == (terukur, proyeksi)
    # Beranda
    beranda = client.get(reverse("beranda"))
    b = next(r for r in beranda.context["wilayah"]["rows"] if r["kode"] == BIBRIK)
    assert (b["skor"], b["proyeksi"]) == (terukur, proyeksi)
    # Desa page (the same riwayat as its PDF)
    page = client.get(reverse("desa:detail", args=[BIBRIK])).content.decode()
    data = laporan.data_desa(bibrik)
    assert data["riwayat"]["terkini"].total == terukur
    assert data["riwayat"]["gambaran"].proyeksi.total == proyeksi
    assert f'<div class="angka-besar">{proyeksi}</div>' in page
    assert f'<div class="angka-besar">{terukur} <span' in page
    # The history's last measured year is the terukur aggregate of every location.
    assert data["riwayat"]["per_tahun"][-1]["hasil"].total == terukur
    # District PDF data
    kec = laporan.data_kecamatan(Kecamatan.objects.get(kode_wilayah=JIWAN))
    k = next(d for d in kec["dampak"] if d.key == bibrik.pk)
    assert (k.terukur.total, k.proyeksi.total) == (terukur, proyeksi)
    # Open data
    od = client.get(reverse("data_terbuka_desa", args=[BIBRIK, "json"])).json()
    kondisi = od["desa"][BIBRIK]["kondisi"]
    assert kondisi["terukur"]["total_skor"] == terukur
    assert kondisi["proyeksi"]["total_skor"] == proyeksi
    assert od["desa"][BIBRIK]["kekumuhan"]["total_skor"] == terukur


@pytest.mark.django_db
def test_bibrik_same_numbers_in_the_text_of_all_five_surfaces(client, demo):
    """The seed's Bibrik: terukur 42 (2023), proyeksi 40, 5,47 ha slum, written out the same
    on the Beranda, the desa page, Dampak, both PDFs (extracted text) and the open data."""
    import re

    from tests.test_laporan import read_pdf

    def teks(url):
        return " ".join(client.get(url).content.decode().split())

    beranda = teks(reverse("beranda"))
    row = re.search(r'>Bibrik</a>.*?</tr>', beranda).group(0)
    assert re.search(r'>42 <span[^>]*>\(2023\)</span>', row) and ">40</td>" in row
    assert ">5,47</td>" in row
    desa = teks(reverse("desa:detail", args=[BIBRIK]))
    assert '<div class="angka-besar">42 <span' in desa and "(2023)" in desa
    assert '<div class="angka-besar">40</div>' in desa
    assert '<div class="angka-besar">5,47 ha</div>' in desa
    dampak = teks(reverse("dampak"))
    row = re.search(r'>Bibrik</a>.*?</tr>', dampak).group(0)
    assert "42 (2023)" in row and ">40 <span" in row and ">5,47 → 5,47 → 5,47</td>" in row
    pdf_desa = " ".join(read_pdf(client.get(reverse("laporan_desa", args=[BIBRIK])))[1].split())
    assert "Skor terukur 42 / 80" in pdf_desa and "2 lokasi tahun 2023" in pdf_desa
    assert "Skor proyeksi (perkiraan, dari kegiatan selesai sejak pengukuran, belum diukur): 40" \
        in pdf_desa and "Luas kumuh terukur 5,47 ha" in pdf_desa
    pdf_kec = " ".join(read_pdf(client.get(reverse("laporan_kecamatan", args=[JIWAN])))[1].split())
    assert re.search(r"Bibrik .{0,40}62 \(2019\) Kumuh Berat 42 \(2023\) Kumuh Sedang 40 Kumuh "
                     r"Sedang 5,47 → 5,47 → 5,47", pdf_kec)
    od = client.get(reverse("data_terbuka_desa", args=[BIBRIK, "json"])).json()
    kondisi = od["desa"][BIBRIK]["kondisi"]
    assert kondisi["terukur"]["total_skor"] == 42 and kondisi["proyeksi"]["total_skor"] == 40
    assert kondisi["terukur"]["tahun"][-1] == 2023
    assert float(kondisi["terukur"]["luas_kumuh_ha"]) == 5.47


def _public_pages(client):
    from tests.test_laporan import read_pdf

    urls = [reverse("beranda"), reverse("dampak"), reverse("matriks"),
            reverse("anggaran:kegiatan_list"), reverse("desa:detail", args=[BIBRIK])]
    pages = {u: client.get(u).content.decode() for u in urls}
    for kind, args in (("data_terbuka_desa", [BIBRIK]), ("data_terbuka_kecamatan", [JIWAN])):
        for fmt in ("json", "csv"):
            url = reverse(kind, args=[*args, fmt])
            response = client.get(url)
            raw = (b"".join(response.streaming_content) if response.streaming
                   else response.content)
            pages[url] = raw.decode("utf-8-sig")
    for name, kode in (("laporan_desa", BIBRIK), ("laporan_kecamatan", JIWAN)):
        url = reverse(name, args=[kode])
        pages[url] = read_pdf(client.get(url))[1]
    return pages


COUNT_MARK = r"\d+ dari \d+ [^:<\n]*: data demo"


@pytest.mark.django_db
def test_demo_only_data_is_marked_with_its_count_everywhere(client, demo, settings):
    import re

    from anggaran.models import Kegiatan
    from desa.models import Penilaian

    settings.SHOW_DEMO_BANNER = False
    Kegiatan.objects.update(is_demo=True)
    Penilaian.objects.update(is_demo=True)
    for url, body in _public_pages(client).items():
        if "data-terbuka" in url and url.endswith("json"):
            assert '"jumlah_lokasi_demo": 0' not in body and '"berisi_data_demo": true' in body
        elif "data-terbuka" in url:
            header, *rows = body.splitlines()
            assert "jumlah_kegiatan_demo" in header and ",ya," in rows[0] + ","
        else:
            text = " ".join(body.split())
            assert re.search(COUNT_MARK, text), url


@pytest.mark.django_db
def test_real_only_data_carries_no_demo_mark(client, jiwan, settings):
    """A real assessment and a real activity with its source: no demo mark anywhere."""
    import datetime as dt

    from tests.penilaian_helpers import buat_lokasi, buat_penilaian

    settings.SHOW_DEMO_BANNER = False
    bibrik = jiwan.get(nama="Bibrik")
    lokasi = buat_lokasi(bibrik, nama="RT 09")
    buat_penilaian(lokasi, 2019, status="diverifikasi")
    pemda = buat_pemangku("Pemerintah daerah (tingkat tidak disebut)", "pemda")
    buat_kegiatan(bibrik, lokasi=lokasi, lines=[(pemda, "apbd", 100_000_000, 100_000_000)],
                  sumber_judul="Tim KOTAKU Kab. Madiun", sumber_tanggal=dt.date(2018, 9, 18),
                  sumber_url="https://kabmadiunkotaku.blogspot.com/2018/09/")
    for url, body in _public_pages(client).items():
        if "data-terbuka" in url and url.endswith("json"):
            # (the metadata explains the flag; every record says false)
            assert '"berisi_data_demo": true' not in body
            assert '"berisi_data_demo": false' in body and '"jumlah_lokasi_demo": 0' in body
        elif "data-terbuka" in url:
            assert ",ya," not in body.replace("\r", "") + ","
        else:
            assert "data demo" not in body.lower(), url


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {}, {"sumber": "apbn"}, {"sumber": "dana-desa", "tahun_anggaran": "2023"},
    {"jenis_pemangku": "pemdes"}, {"status": "selesai"}, {"jenis_pemangku": "swasta",
                                                          "sumber": "csr"},
    {"status": "batal"}, {"wilayah": "35.19", "sumber": "apbd-kab", "status": "selesai"},
    {"wilayah": "35", "tahun_anggaran": "2022"}, {"wilayah": "35.19.09", "sumber": "apbd-kab"},
    {"q": "jalan", "sumber": "apbd-kab"}, {"wilayah": "11", "sumber": "apbd-kab"},
])
def test_activity_list_totals_equal_the_raw_lines(client, demo, params):
    """The list's count, demo count, whole cost and filtered share equal the raw rows, with
    or without a funding-line filter (which is counted and summed in one pass)."""
    from anggaran.filters import pendanaan_match
    from anggaran.models import Kegiatan, Pendanaan, SumberDana

    response = client.get(reverse("anggaran:kegiatan_list"), params)
    ctx = response.context
    lines = Pendanaan.objects.all()
    data = {"sumber": SumberDana.objects.filter(kode=params.get("sumber")).first(),
            "jenis_pemangku": params.get("jenis_pemangku")}
    q = pendanaan_match(data)
    kegiatan = Kegiatan.objects.all()
    if "tahun_anggaran" in params:
        kegiatan = kegiatan.filter(tahun_anggaran=params["tahun_anggaran"])
    if "status" in params:
        kegiatan = kegiatan.filter(status=params["status"])
    if "wilayah" in params:
        kegiatan = kegiatan.filter(desa__kode_wilayah__startswith=params["wilayah"] + ".")
    if "q" in params:
        kegiatan = kegiatan.filter(nama__icontains=params["q"])
    if q:
        kegiatan = kegiatan.filter(pk__in=lines.filter(q).values("kegiatan"))
    ids = set(kegiatan.values_list("pk", flat=True))
    assert ctx["page"].paginator.count == len(ids)
    assert ctx["jumlah_demo"] == kegiatan.filter(is_demo=True).count()
    semua = [p for p in lines if p.kegiatan_id in ids]
    assert (ctx["total"]["rencana"] or 0) == sum((p.rencana_rp for p in semua), D(0))
    assert (ctx["total"]["realisasi"] or 0) == sum((p.realisasi_rp for p in semua), D(0))
    batal = set(kegiatan.filter(status="batal").values_list("pk", flat=True))
    assert ctx["batal"]["jumlah"] == len(batal)
    if q:
        dipilih = [p for p in lines.filter(q) if p.kegiatan_id in ids]
        assert (ctx["total_filter"]["rencana"] or 0) == sum((p.rencana_rp for p in dipilih),
                                                            D(0))
        assert (ctx["batal"]["rencana"] or 0) == sum(
            (p.rencana_rp for p in dipilih if p.kegiatan_id in batal), D(0))
    else:
        assert ctx["total_filter"] is None
        assert (ctx["batal"]["rencana"] or 0) == sum(
            (p.rencana_rp for p in semua if p.kegiatan_id in batal), D(0))


@pytest.mark.django_db
@pytest.mark.parametrize("params, dari_ringkasan", [
    ({}, True), ({"sumber": "apbn", "tahun_anggaran": "2022"}, True),
    ({"status": "batal", "wilayah": "35.19"}, True), ({"urut": "-rencana"}, True),
    ({"jenis_pemangku": "pemdes"}, True), ({"jenis_pemangku": "swasta", "sumber": "csr"}, True),
    ({"jenis_pemangku": "pemdes", "status": "selesai", "wilayah": "35"}, True),
    ({"wilayah": "35.19.09"}, False), ({"q": "jalan"}, False), ({"kriteria": "2b"}, False),
])
def test_activity_list_totals_from_the_kabupaten_rows_equal_its_own_sums(
        client, demo, monkeypatch, params, dari_ringkasan):
    """A year, a source, a status and a province or kabupaten are answered from the
    kabupaten rows (issue 16), with the same figures as the list's own aggregate; any other
    filter sums the rows themselves."""
    from anggaran import views
    from inti import cache

    url = reverse("anggaran:kegiatan_list")
    asli = views._dari_ringkasan
    dipakai = []
    monkeypatch.setattr(views, "_dari_ringkasan",
                        lambda fs: dipakai.append(hasil := asli(fs)) or hasil)
    dari = client.get(url, params).context
    assert (dipakai[0] is not None) is dari_ringkasan
    cache.bump()
    monkeypatch.setattr(views, "_dari_ringkasan", lambda fs: None)
    sendiri = client.get(url, params).context
    for key in ("total", "total_filter", "jumlah_demo", "batal"):
        assert dari[key] == sendiri[key], key
    assert dari["page"].paginator.count == sendiri["page"].paginator.count


@pytest.mark.django_db
def test_beranda_links_to_the_activity_list_keep_its_region_and_year(client, demo):
    """A kabupaten's Beranda sends its source and funder-type rows to the list of that
    kabupaten and year (they sent the national list)."""
    import re

    body = client.get(reverse("beranda"), {"wilayah": "35.19", "tahun": "2022"}).content.decode()
    links = re.findall(r'href="/anggaran/kegiatan/\?((?:sumber|jenis_pemangku)=[^"]+)"', body)
    assert links
    for link in links:
        assert "tahun_anggaran=2022" in link and "wilayah=35.19" in link, link


@pytest.mark.django_db
def test_list_says_its_cancelled_activities_which_dashboards_leave_out(client, demo):
    """Beranda's row of a source leaves cancelled activities out; the list it links to shows
    them (with their status): it says how many and how much, so the figures reconcile."""
    from anggaran.models import Kegiatan, Pendanaan

    k = Kegiatan.objects.filter(pendanaan__sumber__kode="apbd-kab").first()
    k.status = "batal"
    k.save()
    rencana = sum(p.rencana_rp for p in Pendanaan.objects.filter(kegiatan=k,
                                                                  sumber__kode="apbd-kab"))
    body = client.get(reverse("anggaran:kegiatan_list"), {"sumber": "apbd-kab"}).content.decode()
    from inti.numbers import format_rupiah

    assert (f"Termasuk 1 kegiatan batal (rencana {format_rupiah(rencana)}): ditampilkan di "
            "sini, tidak dihitung di dasbor.") in body


@pytest.mark.django_db
def test_list_counts_are_written_the_indonesian_way(client, jiwan, monkeypatch):
    """A count of thousands on a list reads "18.920 kegiatan" (it read "18920 kegiatan"
    beside "18.920 dari 18.920 kegiatan: data demo")."""
    from anggaran import views

    monkeypatch.setattr(views, "ringkasan_daftar", lambda fs: {
        "jumlah": 18920, "demo": 0, "total": {"rencana": None, "realisasi": None},
        "total_filter": None, "batal": {"jumlah": 0, "rencana": None}})
    body = client.get(reverse("anggaran:kegiatan_list")).content.decode()
    assert "18.920 kegiatan" in body and "18920" not in body
