"""Audience targeting: the platform-agnostic form and one adapter per ad platform (Meta, X, Google Ads)."""
