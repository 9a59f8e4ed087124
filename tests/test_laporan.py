"""Printable reports: the PDFs render (pages, text), offline, with the pages' numbers."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from anggaran import dashboard as dash
from anggaran.models import FotoProgres, Kegiatan, LaporanProgres
from desa.models import Desa, Kecamatan
from desa.tingkat import tingkat_per_desa
from inti import pdf
from kotaku import laporan
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, image_bytes
from tests.demo_cepat import muat_demo

pytestmark = pytest.mark.django_db

BIBRIK = "35.19.09.2014"
JIWAN = "35.19.09"


@pytest.fixture
def demo(jiwan):
    muat_demo()
    return jiwan


def read_pdf(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                              capture_output=True, check=True).stdout.decode()
    else:
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, text


def test_desa_report_renders_with_name_table_chart_funding(client, demo):
    response = client.get(reverse("laporan_desa", args=[BIBRIK]))
    reader, text = read_pdf(response)
    assert 3 <= len(reader.pages) <= 6
    assert "Profil Kekumuhan Desa Bibrik" in text
    assert "Portal KOTAKU Jiwan" in text  # running header, every page
    assert f"Halaman 1 / {len(reader.pages)}" in text
    assert "DATA DEMO" in text
    # The latest verified aggregate, as on the desa page.
    hasil = tingkat_per_desa()[Desa.objects.get(kode_wilayah=BIBRIK).pk]
    assert f"{hasil.total} / 80" in text and hasil.level_label in text
    assert "Riwayat skor kekumuhan" in text
    # The real 2018 story: Rp 100.000.000 from APBD Kabupaten for 170 m of paving.
    assert "Jalan paving akses kawasan budidaya lele" in text
    assert "Rp 100.000.000" in text and "APBD Kabupaten" in text
    for page in reader.pages:
        assert page.mediabox.width == pytest.approx(595.28, abs=1)  # A4 portrait


def test_kecamatan_report_renders_beranda_numbers_matrix_and_impact(client, demo):
    response = client.get(reverse("laporan_kecamatan", args=[JIWAN]))
    reader, text = read_pdf(response)
    assert 2 <= len(reader.pages) <= 5
    assert "Laporan KOTAKU Kecamatan Jiwan" in text
    r = dash.ringkasan()
    from inti.numbers import format_rupiah

    assert format_rupiah(r.rencana) in text and format_rupiah(r.realisasi) in text
    for name in Desa.objects.values_list("nama", flat=True):
        assert name in text
    assert "pemangku × desa" in text and "Dampak penanganan" in text
    rows, total = dash.dampak()
    assert f"{total.terukur.total}" in text
    # The matrix has its own landscape page.
    assert any(p.mediabox.width > p.mediabox.height for p in reader.pages)


def test_reports_of_a_desa_without_data_render(client, jiwan):
    reader, text = read_pdf(client.get(reverse("laporan_desa", args=["35.19.09.2001"])))
    assert len(reader.pages) == 1
    assert "Bukur" in text and "Belum ada penilaian kekumuhan terverifikasi" in text


def test_unknown_codes_404(client, jiwan):
    assert client.get(reverse("laporan_desa", args=["35.19.09.9999"])).status_code == 404
    assert client.get(reverse("laporan_kecamatan", args=["35.19.99"])).status_code == 404
    assert client.get("/laporan/desa/../etc.pdf").status_code == 404


def test_kecamatan_report_counts_only_its_own_desa(client, jiwan):
    """With two kecamatan loaded each district report holds its own desa and money only."""
    jiwan_kec = Kecamatan.objects.get(kode_wilayah=JIWAN)
    other = Kecamatan.objects.create(kabupaten=jiwan_kec.kabupaten, kode_wilayah="35.19.10",
                                     nama="Lain")
    lain = Desa.objects.create(kecamatan=other, kode_wilayah="35.19.10.2001", nama="Desa Lain")
    dinas = buat_pemangku("Dinas PKP")
    buat_kegiatan(lain, nama="Drainase desa lain", lines=[(dinas, "apbd-kab", 7_000_000)])
    buat_kegiatan(Desa.objects.get(kode_wilayah=BIBRIK),
                  lines=[(dinas, "apbd-kab", 100_000_000)])
    _reader, text = read_pdf(client.get(reverse("laporan_kecamatan", args=[JIWAN])))
    assert "Rp 100.000.000" in text and "Bibrik" in text
    assert "Desa Lain" not in text and "Rp 107.000.000" not in text
    _reader, text = read_pdf(client.get(reverse("laporan_kecamatan", args=["35.19.10"])))
    assert "Laporan KOTAKU Kecamatan Lain" in text and "Desa Lain" in text
    assert "Rp 7.000.000" in text and "Bibrik" not in text


def _foto_progres(desa) -> FotoProgres:
    """A finished activity with one progress photo (a real 320×240 JPEG)."""
    dinas = buat_pemangku("Dinas Uji", "opd")
    kegiatan = buat_kegiatan(desa, lines=[(dinas, "apbd-kab", 100_000_000, 100_000_000)])
    lap = LaporanProgres.objects.create(kegiatan=kegiatan, tanggal=datetime.date(2018, 8, 1),
                                        persen_fisik=100)
    foto = FotoProgres(laporan=lap, tahap="100", keterangan="Paving selesai")
    foto.foto.save("x.jpg", ContentFile(image_bytes("JPEG", size=(320, 240))), save=True)
    return foto


def test_progress_photos_are_embedded(client, jiwan, desa_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _foto_progres(desa_a)
    reader, text = read_pdf(client.get(reverse("laporan_desa", args=[desa_a.kode_wilayah])))
    assert "Foto progres" in text and "Paving selesai" in text
    assert any(len(page.images) >= 1 for page in reader.pages)


def test_fetcher_allows_only_media_and_static_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inside = tmp_path / "progres" / "a.png"
    inside.parent.mkdir()
    inside.write_bytes(image_bytes())
    assert pdf.allowed_file(inside.as_uri()) == inside.resolve()
    assert pdf.allowed_file("file:///etc/passwd") is None
    assert pdf.allowed_file((tmp_path / ".." / "x").resolve().as_uri()) is None
    assert pdf.allowed_file("file://evil.example/etc/passwd") is None
    fetcher = pdf._fetcher()
    for url in ("http://127.0.0.1:1/x.png", "https://example.org/a.css", "ftp://x/y",
                "file:///etc/hostname"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(inside.as_uri())
    assert response.read().startswith(b"\x89PNG")


def test_network_references_in_report_html_are_not_fetched(settings, tmp_path, monkeypatch):
    """An <img> with a network URL in the HTML is skipped, never requested."""
    import urllib.request

    def no_network(*args, **kwargs):  # pragma: no cover - failing is the point
        raise AssertionError("network access attempted")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    from django.template import engines

    template = engines["django"].from_string(
        '<p>Halo</p><img src="http://169.254.169.254/latest"><img src="file:///etc/passwd">')
    monkeypatch.setattr("inti.pdf.render_to_string",
                        lambda *a, **k: template.render({}))
    content = pdf.render_pdf("unused.html", {})
    assert content.startswith(b"%PDF")


def test_score_history_chart_is_server_side_svg(demo):
    desa = Desa.objects.get(kode_wilayah=BIBRIK)
    data = laporan.data_desa(desa)
    svg = str(data["grafik"])
    assert svg.startswith("<svg") and "<script" not in svg
    years = [str(r["tahun"]) for r in data["riwayat"]["per_tahun"]]
    assert years == ["2019", "2023"]
    assert all(f">{y}</text>" in svg for y in years)
    assert svg.count('stroke-dasharray="5,3"') == 3  # the three level bands
    escaped = laporan.grafik_riwayat_svg([], 80, [(60, "<b>x</b>")])
    assert "<b>" not in escaped


def test_report_data_costs_a_constant_number_of_queries(jiwan, desa_a):
    dinas = buat_pemangku("Dinas Uji", "opd")

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            laporan.data_desa(Desa.objects.get(pk=desa_a.pk))
        return len(ctx)

    buat_kegiatan(desa_a, nama="K0", lines=[(dinas, "apbd-kab", 1000)])
    few = measure()
    for i in range(1, 8):
        buat_kegiatan(desa_a, nama=f"K{i}", lines=[(dinas, "apbd-kab", 1000),
                                                   (dinas, "dana-desa", 500)])
    assert Kegiatan.objects.count() == 8
    assert measure() == few


def test_beranda_links_the_district_report_of_its_kecamatan(client, jiwan):
    html = client.get(reverse("beranda")).content.decode()
    assert reverse("laporan_kecamatan", args=[JIWAN]) in html


class PenyimpananTanpaPath(InMemoryStorage):
    """Like S3: files only through open()/save(), no local path."""

    def path(self, name):
        raise NotImplementedError("no local paths")

    def _relative_path(self, name):  # InMemoryStorage's own goes through path()
        return os.path.relpath(os.path.abspath(os.path.join(self.location, name)), self.location)


def test_progress_photos_are_read_through_the_storage(client, jiwan, desa_a, settings):
    """S3 and other remote storages have no ``path()``: the photo is read with ``open()``
    (an in-memory storage stands in for S3 here) and still appears in the PDF."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "tests.test_laporan.PenyimpananTanpaPath"}}
    foto = _foto_progres(desa_a)
    with pytest.raises(NotImplementedError):
        foto.foto.storage.path(foto.foto.name)
    reader, text = read_pdf(client.get(reverse("laporan_desa", args=[desa_a.kode_wilayah])))
    assert "Paving selesai" in text
    assert any(len(page.images) >= 1 for page in reader.pages)
