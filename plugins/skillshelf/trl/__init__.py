"""Checking TRL / peft config calls in documentation against the real signatures.

``extract`` reads released wheels (never importing them) and writes
``schemas/trl-signatures.json``; ``signatures`` loads that file; ``snippets``
checks the Python code blocks of a Markdown document against it.
"""
