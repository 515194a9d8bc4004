"""``python -m cpcd`` runs the command line."""

from cpcd.cli import main

main()
