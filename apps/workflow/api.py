"""API endpoints of this app, mounted under /api/ by clusterhub/api.py."""

from ninja import Router

router = Router(tags=["workflow"])
