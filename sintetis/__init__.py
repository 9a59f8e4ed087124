"""Synthetic data for benchmarks and scale tests (``manage.py bangkitkan_data_nasional``):
national-size, deterministic, labelled demo. On top of every other app; nothing imports it."""
