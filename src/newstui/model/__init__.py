"""The model: parsing, loading, the store and the query engine. Never imports Textual."""
