"""armstrack: an open, automated register of international arms transfers built from the news."""

__version__ = "0.1.0"
