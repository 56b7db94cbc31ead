"""The words of the product as plain data and pure rules.

Nothing in this package imports anything outside the standard library.
"""
