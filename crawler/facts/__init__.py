"""Fact readers used by crawler.extract: one concern per module (awards, durations, fees, ...)."""
