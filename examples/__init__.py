"""Runnable examples, each with its schema, Makefile and generated package."""
