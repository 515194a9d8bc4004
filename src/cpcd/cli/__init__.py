"""The `cpcd` command: the app and its entry point, the commands by group, the options they
share and what they print.
"""
