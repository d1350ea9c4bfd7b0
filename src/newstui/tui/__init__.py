"""Everything that uses Textual lives under this package."""
