"""Syncbar: keeps a mailbox and Salesforce in step.

Layers (see docs/architecture.md): ``app.core`` (no Qt, no service library),
``app.providers`` (one module per service), ``app.auth``, ``app.ui`` (the only
Qt importer), ``app.emulators`` (stand-alone local services), and ``app.compose.cli``,
the one composition root.
"""

__version__ = "0.1.0"
