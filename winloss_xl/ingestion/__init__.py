"""Ingestion internals: one small module per job.

- :mod:`.readers`  files, DataFrames and 2-D cell values -> a headed raw table
- :mod:`.header`   header row under title lines; footer rows
- :mod:`.mapping`  source headers -> canonical fields (the field registry in fields.py)
- :mod:`.values`   numbers, dates, scores, booleans and text, decided per column
- :mod:`.outcome`  stage words and won/closed flags -> won / lost / open
- :mod:`.joins`    Accounts and Contacts
- :mod:`.pipeline` the order of work and the data-quality record

The public entry point is :func:`winloss_xl.ingest.load_deals`.
"""
