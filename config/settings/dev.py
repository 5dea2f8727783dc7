from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A local test site on loopback can be watched in development.
WATCH_ALLOW_PRIVATE_ADDRESSES = env.bool("WATCH_ALLOW_PRIVATE_ADDRESSES", default=True)
