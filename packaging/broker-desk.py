"""The frozen app's entry point: ``broker-desk`` (the command line; no command opens the window)."""

import sys

from broker_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
