"""The Matrix adapter: a matrix-nio bot that speaks text commands in Matrix rooms."""
