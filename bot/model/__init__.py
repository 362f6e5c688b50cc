"""Plain dataclasses and the rules that need no database."""
