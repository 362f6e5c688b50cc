"""Verifiable credentials: Open Badges 3.0 signed with eddsa-rdfc-2022, checked offline."""
