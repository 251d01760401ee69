"""The meeting-extraction example: ``python -m examples.meeting.demo``."""
