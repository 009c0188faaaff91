from . import portal
from . import public_form
