"""Token authentication for Django APIs: user + token pairs, stateless and signed."""

__version__ = "3.0.0"
