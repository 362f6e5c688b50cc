"""Tables for events, attendance, reviews, obligations and due jobs."""

from __future__ import annotations
