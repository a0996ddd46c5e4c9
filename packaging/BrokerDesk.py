"""The frozen app's window entry (``BrokerDesk``; on Windows without a console).

A file opened from the desktop (``BrokerDesk ledger.brokerdesk``) opens in the window.
"""

import sys

from broker_desk.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 1 and not args[0].startswith("-"):
        args = ["--db", args[0]]
    sys.exit(main(args))
