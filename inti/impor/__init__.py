"""The spreadsheet import engine: reading XLSX/CSV (``berkas``), typed values (``nilai``) and
the plan of what an import will do (``rencana``). Model-free: each domain app describes its own
columns and rows (``desa.impor``, ``anggaran.impor``)."""
