"""Icons, translations and texts shipped with the app (located with importlib.resources)."""
