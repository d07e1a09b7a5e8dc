"""Spiders crawl; they never read fields."""
