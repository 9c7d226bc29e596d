"""The sync core: model, catalogue, store, rules, engine, scheduler and ports.

Imports neither Qt nor any service library (a test enforces it); runs and is
tested with plain pytest.
"""
