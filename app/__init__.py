"""The review web app (FastAPI + Jinja2, server-rendered, Chinese UI)."""
