"""The desktop app and the command line.

Importing this package imports nothing from Qt: ``attention-stepper export``
runs the core alone, and each module that needs Qt imports it itself.
"""
