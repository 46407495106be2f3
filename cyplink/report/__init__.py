"""Static HTML report read only from publication models."""
