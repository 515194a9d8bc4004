"""Writing the exports from validated tables (CSV, Parquet, DuckDB, workbook, Stata, SPSS,
bibliography and descriptor), swapped in whole; and where exports are found.
"""
