from . import portal
from . import public_form
from . import portal_merge
