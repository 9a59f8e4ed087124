from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from inti import masuk


class LoginForm(AuthenticationForm):
    """Django's login form with Indonesian labels and phone-friendly attributes."""

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin kabupaten."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets only the widget's maxlength; without a validator a 10 KB name reaches
        # authenticate() and django-axes' log, whose column PostgreSQL refuses (a 500).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        self.fields["password"].validators.append(MaxLengthValidator(4096))
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username", "class": "form-control"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "class": "form-control"}
        )


    def clean(self):
        username = self.cleaned_data.get("username") or ""
        # Per-account slow-down (inti/masuk.py): guessing from many addresses waits; the
        # owner's own browser (a known device) never does.
        if username and self.request is not None and not masuk.perangkat_dikenal(
                self.request, username):
            wait = masuk.tunggu_detik(username)
            if wait:
                raise forms.ValidationError(
                    _("Terlalu banyak percobaan masuk untuk akun ini dari berbagai tempat. "
                      "Coba lagi dalam %(detik)s detik.") % {"detik": wait},
                    code="lambat")
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login" and username:
                masuk.catat_gagal(username)
            raise


def axes_username(request, credentials) -> str:
    """The username django-axes records: bounded, so a hostile 10 KB (or NFKC-expanding)
    username cannot overflow its 255-character column and turn a failed login into a 500."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").replace("\x00", "")[:150]
