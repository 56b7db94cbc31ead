"""Widgets reflect draws itself."""
