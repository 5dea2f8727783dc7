from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
