"""Building: options, the pipeline, where renders run, and atomic writes.

:mod:`.options` declares the build options once; :mod:`.pipeline` checks, lays out,
renders and writes; :mod:`.scheduler` decides where renders run; :mod:`.outputs` writes
files atomically and keeps the state of what was built.
"""
