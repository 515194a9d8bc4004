"""The package and its schemas: the descriptor and Table Schemas read into objects, shared
fields expanded, the rules the metadata must meet, and what each field type means for
pandas, pandera, Arrow and DuckDB.
"""
