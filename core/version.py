"""The program's version, in one place (the package, the manifest and session files read it)."""

__version__ = "0.1.0"
