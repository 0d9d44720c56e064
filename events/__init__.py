"""Stedenband: the sister-city exchange platform of Weert and Yuhang."""

__version__ = "0.1.0"
