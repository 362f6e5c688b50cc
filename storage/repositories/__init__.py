"""The ports of bot/ports, one module per noun, with explicit row <-> model
mapping; `storage.unit_of_work` opens them all on one connection."""
