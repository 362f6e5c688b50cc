"""The Discord adapter: a discord.py client whose slash commands come from the catalogue."""
