"""The ``disclosure-bot`` command line: a front end above the engine (:mod:`bot`, :mod:`knowledge`).

The engine never imports this package; this package imports the engine and the other front ends.
"""
