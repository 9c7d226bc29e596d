"""Protocol-faithful local emulators of Salesforce, Microsoft Graph, Gmail and EWS.

Served over HTTPS on 127.0.0.1 with a generated certificate.  Nothing here
imports from the rest of ``app``.
"""
