"""Set up, inside the checkout, what ``make run`` and ``make test`` need and the
machine lacks: Odoo 18.0 in a virtual environment, a private PostgreSQL server.

Everything goes to the git-ignored folder ``.setup/`` of the checkout; only the
Debian packages installed as root (and pip's cache) land elsewhere.
"""

from .odoo_venv import provide_odoo
from .postgresql import serve_private_postgresql
