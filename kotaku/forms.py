from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username", "class": "form-control"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "class": "form-control"}
        )
