"""User admin with the desa/kecamatan assignments inline, so an admin assigns a facilitator
where they edit the user."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from desa.admin import PenugasanInline

admin.site.site_header = "Administrasi Portal KOTAKU"
admin.site.site_title = "Portal KOTAKU"
admin.site.index_title = "Pengelolaan data"

admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [PenugasanInline]
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]
