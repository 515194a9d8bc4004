"""The analytic views: the SQL files of views/ and the views generated from the schemas,
created in the DuckDB file and exported.
"""
