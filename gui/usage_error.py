"""The one exception every command-line mistake becomes.

It sits below every command module (arguments.py, checkpoint_cli.py,
export_command.py, screenshot.py, compare_command.py), so that each can raise
it without importing cli.py, and cli.main turns it into exit status 2 and the
one line ``attention-stepper: error: <its text>``.
"""

from __future__ import annotations


class UsageError(Exception):
    """A mistake in what the person asked for; its text is the whole message."""
