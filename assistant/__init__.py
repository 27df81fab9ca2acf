"""Regroup: an offline voice coach for resetting and reflecting after hard conversations."""

__version__ = "0.1.0"
