"""``python -m cpcd`` runs the command line."""

from cpcd.cli.main import main

main()
