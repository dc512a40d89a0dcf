"""pingan-kg: who is responsible for what in Chinese public-security plans."""

__version__ = "0.1.0"
