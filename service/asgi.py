"""The one module-level app, for ASGI servers: ``uvicorn service.asgi:app``.

Settings come from the environment when this module is imported. ``make run`` and the
container use ``python -m service.main``, which builds the same app through the factory.
"""

from service.main import create_app

app = create_app()
