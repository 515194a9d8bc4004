"""Reading the CSV files and validating them against the schemas and the Data Package standard:
every problem at once, each naming file, line, column, value and rule.
"""
