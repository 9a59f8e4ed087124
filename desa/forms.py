"""Forms of the slum-assessment pages: new assessment (location + year) and the one-page entry
form (header + one volume per criterion).

The entry form is stricter than the scoring engine (DOMAIN §4): it refuses negative volumes,
volumes above their denominator and volumes over a zero denominator, with the message on the
field. The cross-field checks are ``desa.penilaian.volume_errors`` (shared with imports), and
the live score is ``desa.scoring.score_assessment`` on the same cleaned data.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desa import scoring
from desa.models import HEADER_CHOICES, Kawasan, Lokasi, Penilaian
from desa.penilaian import volume_errors
from inti.fields import DecimalIDField
from inti.forms_base import BootstrapFormMixin
from inti.numbers import format_decimal_id

#: Units counted in whole things: a fractional volume there is a typing error.
SATUAN_BULAT = ("unit", "KK")

# Largest values the columns hold (max_digits - decimal_places), so bad input is a field error,
# never a database error.
_MAX_LUAS = Decimal("99999999.99")
_MAX_PANJANG = Decimal("9999999999.99")
_MAX_VOLUME = Decimal("999999999999.99")
_MAX_BULAT = Decimal(2147483647)


class AngkaField(DecimalIDField):
    """``DecimalIDField`` that shows whole numbers without separators ("1218").

    Both "1218" and "1.218" are read back as 1218 (``inti.numbers.parse_angka``); the plain
    form is shorter to correct on a phone keyboard.
    """

    def display(self, value) -> str:
        number = Decimal(value)
        if number == number.to_integral_value():
            return str(int(number))
        return format_decimal_id(number, self.places)


class BilanganBulatField(AngkaField):
    """A count (buildings, households, people): whole numbers only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", _MAX_BULAT)
        super().__init__(places=2, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "numeric"
        return attrs

    def to_python(self, value):
        number = super().to_python(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValidationError(_("Isi bilangan bulat, tanpa desimal."), code="not_integer")
        return int(number)


def _pilihan(*pairs):
    return [("", _("– belum dinilai –")), *pairs]


class PenilaianForm(BootstrapFormMixin, forms.Form):
    """Header and volumes of one assessment; built from the assessment's rule set."""

    HEADER = ("luas_ha", "jumlah_bangunan", "jumlah_kk", "panjang_jalan_ideal_m",
              "panjang_drainase_ideal_m")
    LAIN = ("status_lahan_jelas", "sesuai_tata_ruang", "nilai_strategis", "kepadatan_penduduk",
            "potensi_sosial_ekonomi")

    versi = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    jenis = forms.ChoiceField(label=_("Jenis penilaian"), choices=Penilaian.Jenis.choices)
    luas_ha = AngkaField(label=_("Luas verifikasi (ha)"), min_value=Decimal(0),
                         max_value=_MAX_LUAS)
    jumlah_bangunan = BilanganBulatField(label=_("Jumlah bangunan (unit)"))
    jumlah_kk = BilanganBulatField(label=_("Jumlah KK"))
    jumlah_penduduk = BilanganBulatField(
        label=_("Jumlah penduduk (jiwa)"), required=False,
        help_text=_("Tidak dipakai dalam skor; boleh dikosongkan."))
    panjang_jalan_ideal_m = AngkaField(label=_("Panjang jalan lingkungan ideal (m)"),
                                       min_value=Decimal(0), max_value=_MAX_PANJANG)
    panjang_drainase_ideal_m = AngkaField(label=_("Panjang drainase lingkungan ideal (m)"),
                                          min_value=Decimal(0), max_value=_MAX_PANJANG)
    # Beyond the physical score (optional; feeds the priority class and handling pattern).
    status_lahan_jelas = forms.NullBooleanField(label=_("Status lahan jelas?"), required=False)
    sesuai_tata_ruang = forms.NullBooleanField(label=_("Sesuai rencana tata ruang?"),
                                               required=False)
    nilai_strategis = forms.TypedChoiceField(
        label=_("Nilai strategis lokasi"), required=False, coerce=int, empty_value=None,
        choices=_pilihan((1, _("1 – tidak strategis")), (5, _("5 – strategis"))))
    kepadatan_penduduk = forms.TypedChoiceField(
        label=_("Kepadatan penduduk"), required=False, coerce=int, empty_value=None,
        choices=_pilihan((1, _("1 – rendah")), (3, _("3 – sedang")), (5, _("5 – tinggi"))))
    potensi_sosial_ekonomi = forms.TypedChoiceField(
        label=_("Potensi sosial ekonomi"), required=False, coerce=int, empty_value=None,
        choices=_pilihan((1, _("1 – rendah")), (5, _("5 – tinggi"))))

    def __init__(self, *args, rules: scoring.RuleSet, **kwargs):
        self.rules = rules
        super().__init__(*args, **kwargs)
        # The factor choices come from the rule set in the database (the admin changes them,
        # the form follows); a known value keeps its descriptive label.
        for name, allowed in rules.pertimbangan_factors:
            field = self.fields.get(name)
            if field is not None:
                label = dict(field.choices)
                field.choices = _pilihan(*((v, label.get(v, str(v))) for v in allowed))
        for c in rules.criteria:
            field = AngkaField(label=f"{c.code}. {c.name}", required=False,
                               max_value=_MAX_VOLUME)
            field.widget.attrs.update({"placeholder": "0", "class": "form-control"})
            self.fields[self.volume_name(c.code)] = field

    # -- construction helpers ----------------------------------------------------------------

    @staticmethod
    def volume_name(code: str) -> str:
        return f"v_{code}"

    @classmethod
    def initial_for(cls, penilaian: Penilaian) -> dict:
        initial = {"versi": penilaian.versi, "jenis": penilaian.jenis}
        for name in (*cls.HEADER, "jumlah_penduduk", *cls.LAIN):
            initial[name] = getattr(penilaian, name)
        for row in penilaian.volume.select_related("kriteria"):
            initial[cls.volume_name(row.kriteria.kode)] = row.volume
        return initial

    # -- validation --------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        # Every value that could be read, even one refused below: the live preview shows its
        # percentage next to the message (a volume above its denominator scores as such).
        self.parsed = dict(cleaned)
        header = {f: cleaned[f] for f in self.HEADER if cleaned.get(f) is not None}
        penduduk, kk = cleaned.get("jumlah_penduduk"), cleaned.get("jumlah_kk")
        if penduduk and kk is not None and kk > penduduk:
            self.add_error("jumlah_kk", _("Jumlah KK (%(kk)s) tidak boleh melebihi jumlah "
                                          "penduduk (%(p)s).") % {"kk": kk, "p": penduduk})
        volumes = {}
        for c in self.rules.criteria:
            name = self.volume_name(c.code)
            value = cleaned.get(name)
            if value is None or name in self.errors:
                continue
            if c.unit in SATUAN_BULAT and value != value.to_integral_value():
                self.add_error(name, _("Volume dalam %(unit)s harus bilangan bulat.")
                               % {"unit": c.unit})
                continue
            # A denominator that is missing or mistyped has its own error; checking the volume
            # against it would only add a second, misleading message.
            if c.denominator in header:
                volumes[c.code] = value
        for code, message in volume_errors(header, volumes, self.rules).items():
            self.add_error(self.volume_name(code), message)
        return cleaned

    # -- values ------------------------------------------------------------------------------

    def _values(self) -> dict:
        return getattr(self, "parsed", None) or getattr(self, "cleaned_data", {})

    def header_values(self) -> dict:
        data = self._values()
        return {f: data.get(f) or 0 for f in self.HEADER}

    def volume_values(self) -> dict[str, Decimal]:
        data = self._values()
        return {
            c.code: data.get(self.volume_name(c.code)) or Decimal(0) for c in self.rules.criteria
        }

    def tak_terbaca(self) -> dict[str, str]:
        """Fields of the score typed but unreadable (name → its first message): the live
        preview shows "–" and the reason for what depends on them, never a score computed
        as if they were 0 (issue 17)."""
        if not self.is_bound:
            return {}
        parsed = self._values()
        out = {}
        for name, errors in self.errors.as_data().items():
            if name not in self.fields or name in self.LAIN or name == "versi":
                continue
            if parsed.get(name) is None and str(self.data.get(self.add_prefix(name), "")).strip():
                out[name] = errors[0].messages[0]
        return out

    def alasan_tak_terhitung(self) -> list[str]:
        """Why the total cannot be shown yet: "<label>: <message>" per unreadable field."""
        return [f"{self.fields[name].label}: {message}"
                for name, message in self.tak_terbaca().items()]

    def hasil(self) -> scoring.AssessmentResult:
        """The score of what is typed (empty fields count as 0): the live preview and the
        saved record are both computed by this one engine. Unreadable fields also count as
        0 here; ``tak_terbaca`` tells the templates which results to show as "–"."""
        return scoring.score_assessment(self.header_values(), self.volume_values(), self.rules)

    def apply_to(self, penilaian: Penilaian) -> None:
        data = self.cleaned_data
        penilaian.jenis = data["jenis"]
        for name in self.HEADER:
            setattr(penilaian, name, data[name])
        penilaian.jumlah_penduduk = data.get("jumlah_penduduk") or 0
        for name in self.LAIN:
            setattr(penilaian, name, data.get(name))

    def galat_langsung(self) -> list[dict]:
        """Per field, its errors for the live preview; "required" is left out (a field not
        typed yet is not a mistake) and an empty list clears what was shown before."""
        data = self.errors.as_data()
        return [
            {"field": self[name],
             "errors": [m for e in data.get(name, []) if e.code != "required" for m in e.messages]}
            for name in self.fields if name != "versi"
        ]

    # -- template helpers --------------------------------------------------------------------

    def header_fields(self):
        return [self[f] for f in (*self.HEADER, "jumlah_penduduk")]

    def lain_fields(self):
        return [self[f] for f in self.LAIN]

    def volume_groups(self, hasil: scoring.AssessmentResult):
        """Per aspect: the aspect result and, per criterion, its bound field and result."""
        labels = {k: str(v) for k, v in HEADER_CHOICES}
        tak = self.tak_terbaca()
        groups = []
        for aspect in hasil.aspect_results:
            rows = []
            for code in aspect.criteria:
                crit = self.rules.criterion(code)
                rows.append({
                    "field": self[self.volume_name(code)],
                    "kriteria": crit,
                    "penyebut_label": labels[crit.denominator],
                    "hasil": hasil.criteria[code],
                    "tak_terhitung": bool(tak.get(self.volume_name(code))
                                          or tak.get(crit.denominator)),
                })
            groups.append({"aspek": aspect, "baris": rows,
                           "tak_terhitung": any(r["tak_terhitung"] for r in rows)})
        return groups


class PenilaianBaruForm(BootstrapFormMixin, forms.Form):
    """Step one of a new assessment: an existing location of the desa, or a new one, and a year."""

    lokasi = forms.ModelChoiceField(
        label=_("Lokasi"), queryset=Lokasi.objects.none(), required=False,
        empty_label=_("– lokasi baru (isi di bawah) –"))
    tahun = forms.IntegerField(label=_("Tahun penilaian"), min_value=2000, max_value=2100)
    nama = forms.CharField(label=_("Nama lokasi baru"), max_length=150, required=False,
                           help_text=_("Mis. nama dusun atau lingkungan."))
    rt = forms.CharField(label=_("RT"), max_length=20, required=False)
    rw = forms.CharField(label=_("RW"), max_length=20, required=False)
    kawasan = forms.ModelChoiceField(label=_("Kawasan kumuh"), queryset=Kawasan.objects.none(),
                                     required=False, empty_label=_("– di luar kawasan SK –"))
    salin = forms.BooleanField(
        label=_("Salin isian dari penilaian terakhir lokasi ini (pemutakhiran tahunan)"),
        required=False, initial=True)

    def __init__(self, *args, desa, **kwargs):
        self.desa = desa
        super().__init__(*args, **kwargs)
        self.fields["lokasi"].queryset = Lokasi.objects.filter(desa=desa).select_related(
            "kawasan")
        self.fields["kawasan"].queryset = Kawasan.objects.filter(
            Q(desa=desa) | Q(bagian_desa__desa=desa)).distinct()
        self.fields["tahun"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        lokasi, nama = cleaned.get("lokasi"), (cleaned.get("nama") or "").strip()
        if lokasi is None and "lokasi" not in self.errors:
            if not nama:
                self.add_error("nama", _("Pilih lokasi yang ada, atau isi nama lokasi baru."))
            elif Lokasi.objects.filter(desa=self.desa, nama__iexact=nama).exists():
                self.add_error("nama", _("Lokasi \u201c%(n)s\u201d sudah ada di desa ini: "
                                         "pilih dari daftar.") % {"n": nama})
        elif lokasi is not None and nama:
            self.add_error("nama", _("Kosongkan nama lokasi baru bila memilih lokasi yang ada."))
        tahun = cleaned.get("tahun")
        if lokasi is not None and tahun and Penilaian.objects.filter(
                lokasi=lokasi, tahun=tahun).exists():
            self.add_error("tahun", _("Lokasi ini sudah punya penilaian tahun %(t)s.")
                           % {"t": tahun})
        cleaned["nama"] = nama
        return cleaned


class CatatanForm(BootstrapFormMixin, forms.Form):
    """The verifier's comment when returning a submission."""

    catatan = forms.CharField(
        label=_("Catatan untuk fasilitator"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan catatan: apa yang perlu diperbaiki "
                                      "fasilitator.")},
    )


class KawasanForm(BootstrapFormMixin, forms.Form):
    """What a facilitator keeps up to date about a kawasan: type, priority factors and its
    delineation. The factor choices come from the rule set in the database."""

    jenis = forms.ChoiceField(label=_("Jenis penanganan"), choices=Kawasan.Jenis.choices)
    jumlah_penduduk = BilanganBulatField(
        label=_("Jumlah penduduk kawasan (jiwa)"), required=False,
        help_text=_("Kepadatan dihitung dari jumlah penduduk dan luas di SK."))
    status_lahan_jelas = forms.NullBooleanField(label=_("Status lahan jelas?"), required=False)
    sesuai_tata_ruang = forms.NullBooleanField(label=_("Sesuai rencana tata ruang?"),
                                               required=False)
    nilai_strategis = forms.TypedChoiceField(label=_("Nilai strategis"), required=False,
                                             coerce=int, empty_value=None)
    potensi_sosial_ekonomi = forms.TypedChoiceField(label=_("Potensi sosial ekonomi"),
                                                    required=False, coerce=int, empty_value=None)
    delineasi = forms.FileField(
        label=_("Delineasi (GeoJSON)"), required=False,
        help_text=_("Polygon atau MultiPolygon dalam WGS84 (EPSG:4326), maksimal 2 MB."))
    hapus_delineasi = forms.BooleanField(label=_("Hapus delineasi"), required=False)

    FAKTOR = ("nilai_strategis", "potensi_sosial_ekonomi")

    def __init__(self, *args, rules: scoring.RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = dict(rules.pertimbangan_factors)
        for name in self.FAKTOR:
            self.fields[name].choices = _pilihan(*((v, str(v)) for v in allowed.get(name, ())))

    @classmethod
    def initial_for(cls, kawasan: Kawasan) -> dict:
        return {f: getattr(kawasan, f) for f in (
            "jenis", "jumlah_penduduk", "status_lahan_jelas", "sesuai_tata_ruang", *cls.FAKTOR)}

    def clean_delineasi(self):
        from desa.kawasan import validasi_delineasi

        berkas = self.cleaned_data.get("delineasi")
        if not berkas:
            return None
        if berkas.size > 2 * 1024 * 1024:
            raise ValidationError(_("Berkas GeoJSON terlalu besar (maksimal 2 MB); "
                                    "sederhanakan poligonnya."))
        return validasi_delineasi(berkas.read())
