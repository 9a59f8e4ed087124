"""Forms of the stories (facilitators and admins) and of the public feedback (no account).

A story's desa and stakeholders are a ``<select multiple>`` while the choices are few and one
text input per row with suggestions at national scale (``inti.pilihan``). The activities
are then offered for the story's own desa only (saved or posted), not for every writable one.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from anggaran.models import Kegiatan
from desa import akses
from inti import images
from inti.angka import is_id_text
from inti.forms_base import BootstrapFormMixin
from inti.pilihan import DesaPilihanBanyakField, PemangkuPilihanBanyakField, PilihanBesarFormMixin
from inti.teks import hapus_kontrol
from kolaborasi.models import PemangkuKepentingan

from . import masukan as layanan
from . import services
from .models import PESAN_MAKS, Kabar

MAKS_TAG = 8


MAX_PK = 2**63 - 1


class PilihanBanyakField(forms.ModelMultipleChoiceField):
    """Refuses ids beyond the database's integer range before they reach it (SQLite raises
    OverflowError on them: a 500 instead of a message)."""

    def _check_values(self, value):
        for pk in value or ():
            text = str(pk).strip()
            if is_id_text(text) and not -MAX_PK <= int(text) <= MAX_PK:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value", params={"pk": text[:20]})
        return super()._check_values(value)


class KegiatanChoiceField(PilihanBanyakField):
    def label_from_instance(self, obj):
        return f"{obj.desa.nama} · {obj.tahun_anggaran} · {obj.nama}"


class FotoField(forms.FileField):
    """An optional photo, validated and re-encoded by ``inti.images``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": images.ACCEPT}))
        kwargs.setdefault("error_messages", {"invalid": _("Berkas tidak terbaca."),
                                             "empty": _("Berkas foto kosong.")})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "size"):
            return images.proses_foto(value)
        return value


def parse_tags(text: str) -> list[str]:
    """``"air bersih, Kolaborasi , air bersih"`` → ``["air bersih", "Kolaborasi"]``."""
    seen, out = set(), []
    for part in (text or "").split(","):
        name = " ".join(part.split())[:40]
        key = slugify(name)
        if name and key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


class KabarForm(BootstrapFormMixin, PilihanBesarFormMixin, forms.ModelForm):
    foto_sampul = FotoField(label=_("Foto sampul"))
    tag_teks = forms.CharField(
        label=_("Tag"), required=False, max_length=400,
        help_text=_("Pisahkan dengan koma, mis. kolaborasi, jalan lingkungan."))
    kegiatan = KegiatanChoiceField(
        label=_("Kegiatan yang diceritakan"), queryset=Kegiatan.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Kartu data kegiatan (dana per sumber, progres, foto) tampil di samping "
                    "kabar. Pilih beberapa dengan Ctrl/⌘ (di ponsel: ketuk setiap nama)."),
        error_messages={"invalid_choice": _("Pilih kegiatan dari daftar."),
                        "invalid_pk_value": _("Pilih kegiatan dari daftar.")})

    class Meta:
        model = Kabar
        fields = ["judul", "ringkasan", "isi", "foto_sampul", "keterangan_sampul", "desa",
                  "kegiatan", "pemangku"]
        field_classes = {"desa": DesaPilihanBanyakField, "pemangku": PemangkuPilihanBanyakField}
        widgets = {
            "isi": forms.Textarea(attrs={"rows": 16}),
            "ringkasan": forms.Textarea(attrs={"rows": 2}),
            "desa": forms.SelectMultiple(attrs={"size": 6}),
            "pemangku": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "desa": _("Desa yang diceritakan; tingkat kekumuhannya tampil di samping kabar."),
            "pemangku": _("Pihak yang berperan dalam cerita ini."),
        }
        error_messages = {
            "judul": {"required": _("Isi judul kabar."),
                      "max_length": _("Judul paling panjang 200 karakter.")},
            "isi": {"required": _("Isi kabar masih kosong.")},
            "desa": {"invalid_choice": _("Pilih desa tugas Anda."),
                     "invalid_pk_value": _("Pilih desa dari daftar.")},
            "pemangku": {"invalid_choice": _("Pilih pemangku kepentingan dari daftar."),
                         "invalid_pk_value": _("Pilih pemangku kepentingan dari daftar.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        writable = akses.writable_desa(user)
        desa_field = self.fields["desa"]
        desa_field.queryset = writable.order_by("nama")
        desa_field.required = True
        desa_field.error_messages["required"] = _("Pilih paling sedikit satu desa.")
        kegiatan = Kegiatan.objects.filter(desa__in=writable.values("pk"))
        desa_field.siapkan()  # the probe that also fills the select
        if desa_field.besar:
            # Too many desa to offer all their activities: those of the story's desa.
            kegiatan = kegiatan.filter(desa__in=self._desa_cerita(desa_field))
            self.fields["kegiatan"].help_text = _(
                "Kegiatan dari desa kabar ini. Untuk desa yang baru ditambahkan, pilihan "
                "kegiatannya muncul setelah kabar disimpan.")
        self.fields["kegiatan"].queryset = (
            kegiatan.select_related("desa").order_by("desa__nama", "-tahun_anggaran", "nama"))
        self.fields["pemangku"].queryset = PemangkuKepentingan.objects.order_by("nama")
        self.fields["pemangku"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["tag_teks"] = ", ".join(t.nama for t in self.instance.tag.all())

    def clean_isi(self):
        # Control characters never reach the database (nor the rendered HTML and the feed).
        return hapus_kontrol(self.cleaned_data.get("isi")).strip()

    def clean_judul(self):
        return hapus_kontrol(self.cleaned_data.get("judul")).strip()

    def clean_tag_teks(self):
        tags = parse_tags(self.cleaned_data.get("tag_teks", ""))
        if len(tags) > MAKS_TAG:
            raise forms.ValidationError(_("Paling banyak %(n)s tag.") % {"n": MAKS_TAG})
        return tags

    def _desa_cerita(self, field) -> list[int]:
        """The story's desa: saved ones and the posted ones that resolve (validation reuses
        the lookup)."""
        pks = list(self.instance.desa.values_list("pk", flat=True)) if self.instance.pk else []
        if self.is_bound:
            try:
                field.clean(field.widget.value_from_datadict(
                    self.data, self.files, self.add_prefix("desa")))
            except forms.ValidationError:
                pass
            pks += [d.pk for d in field.terselesaikan()]
        return pks

    def desa_luar_wewenang(self):
        """Desa linked by someone else that this user may not write for: kept as they are."""
        return services.desa_luar_wewenang(self.instance, self.user)

    def clean(self):
        data = super().clean()
        desa = list(data.get("desa") or []) + self.desa_luar_wewenang()
        desa_ids = {d.pk for d in desa}
        wrong = [k for k in data.get("kegiatan") or [] if k.desa_id not in desa_ids]
        if wrong and "desa" not in self.errors:
            self.add_error("kegiatan", _(
                "Kegiatan “%(nama)s” berada di desa %(desa)s: pilih juga desa itu, atau lepas "
                "kegiatan ini.") % {"nama": wrong[0].nama, "desa": wrong[0].desa.nama})
        return data


class MasukanForm(BootstrapFormMixin, forms.Form):
    """Feedback without an account. ``website`` is the honeypot (hidden by the CSS class
    ``kolom-madu``; people never see it, bots fill it); ``mulai`` the signed display time."""

    nama = forms.CharField(label=_("Nama (boleh dikosongkan)"), max_length=80, required=False,
                           error_messages={"max_length": _("Nama paling panjang 80 karakter.")})
    pesan = forms.CharField(
        label=_("Pesan"), max_length=PESAN_MAKS,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": str(PESAN_MAKS)}),
        error_messages={"required": _("Tulis pesan Anda."),
                        "max_length": _("Pesan paling panjang %(limit_value)d karakter "
                                        "(sekarang %(show_value)d).")})
    foto = FotoField(label=_("Foto (boleh dikosongkan)"),
                     widget=forms.FileInput(attrs={"accept": images.ACCEPT}))
    website = forms.CharField(label=_("Jangan isi kolom ini"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))
    mulai = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["mulai"] = layanan.buat_token()
        self.fields["foto"].help_text = _("JPEG, PNG atau WebP, paling besar %(mb)s MB.") % {
            "mb": images.max_upload_mb()}
        self.penolakan: str | None = None

    def full_clean(self):
        # The cheap checks decide first: a filled honeypot or a bad, early, old or used
        # token is refused before the photo field opens or decodes any upload (a 190 KB PNG
        # of 7000×7000 pixels cost 5.7 s and 440 MB before these checks).
        if self.is_bound:
            refusal = self._periksa_awal()
            if refusal is not None:
                self._errors = ErrorDict()
                self.cleaned_data = {}
                self.add_error(None, refusal)
                return
        super().full_clean()

    def _periksa_awal(self) -> forms.ValidationError | None:
        if self.data.get("website"):
            self.penolakan = "honeypot"
            return forms.ValidationError(_("Masukan tidak dapat diterima."), code="honeypot")
        token = self.data.get("mulai", "")
        try:
            layanan.periksa_token(token)
            if layanan.token_terpakai(token):
                raise layanan.TokenTidakSah("terpakai")
        except layanan.TokenTidakSah as exc:
            return self._tolak_token(exc.code)
        return None

    def _tolak_token(self, code: str) -> forms.ValidationError:
        self.penolakan = "token" if code == "terpakai" else code
        messages = {
            "terlalu_cepat": _("Formulir terkirim terlalu cepat. Periksa pesan Anda, lalu "
                               "kirim lagi."),
            "kedaluwarsa": _("Formulir sudah terlalu lama terbuka. Kirim lagi."),
            "token": _("Formulir tidak lengkap. Muat ulang halaman, lalu kirim lagi."),
            "terpakai": _("Formulir ini sudah pernah dikirim. Untuk masukan baru, kirim lagi "
                          "dari formulir ini."),
        }
        return forms.ValidationError(messages[code], code=self.penolakan)

    def clean(self):
        data = super().clean()
        # Everything else is valid: use the token up (one message per form shown). Two
        # requests racing with one token: only the first gets here with True.
        if not self.errors and not layanan.pakai_token(self.data.get("mulai", "")):
            raise self._tolak_token("terpakai")
        return data

    def token_baru(self):
        """After a refusal for timing, a fresh token so the person can simply send again."""
        data = self.data.copy()
        data["mulai"] = layanan.buat_token()
        self.data = data


class MinatForm(MasukanForm):
    """An expression of interest in an open plan item ("Peluang kolaborasi"): the feedback
    form's protection (honeypot, signed one-time token, rate limit, spam check) plus a contact
    the facilitators' team uses to reply. The contact is never shown on a public page."""

    kontak = forms.CharField(
        label=_("E-mail atau telepon (hanya untuk tim fasilitator, tidak ditampilkan)"),
        max_length=200, error_messages={"required": _("Tulis e-mail atau telepon agar tim "
                                                      "dapat menghubungi Anda.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["foto"]
        self.fields["nama"].label = _("Nama lembaga/perusahaan")
        self.fields["pesan"].label = _("Minat dan dukungan yang ditawarkan")
