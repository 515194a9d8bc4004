"""Documentation written from the data: the data dictionary, the cookbook's printed results and
the figures.
"""
