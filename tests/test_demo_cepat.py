"""The tests' copy of the demo data (``tests.demo_cepat``) equals what ``seed_demo`` writes."""

import pytest
from django.db import transaction

from anggaran import ringkasan
from desa import kondisi_tersimpan
from tests import demo_cepat


def _isi() -> dict:
    """Every row of every table, without the times a save stamps (``auto_now``)."""
    hasil = {}
    for model in demo_cepat._tabel():
        cap = {f.attname for f in model._meta.concrete_fields
               if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
        hasil[model._meta.label] = sorted(
            (tuple((k, v) for k, v in row.items() if k not in cap)
             for row in model._base_manager.order_by().values()), key=repr)
    return hasil


@pytest.mark.django_db
def test_the_copy_equals_the_command(jiwan, monkeypatch):
    monkeypatch.setattr(demo_cepat, "_rekaman", {})
    sid = transaction.savepoint()
    demo_cepat.muat_demo()  # the command itself, recorded
    assert len(demo_cepat._rekaman) == 1
    asli = _isi()
    transaction.savepoint_rollback(sid)
    monkeypatch.setattr(demo_cepat, "call_command",
                        lambda *a, **k: pytest.fail("the command ran instead of the copy"))
    demo_cepat.muat_demo()  # the copy
    assert _isi() == asli
    assert ringkasan.periksa() == []
    assert kondisi_tersimpan.periksa() == []
