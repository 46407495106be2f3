"""cyplink: link local authority and NHS records about children into a research-ready dataset."""

__version__ = "0.1.0"
