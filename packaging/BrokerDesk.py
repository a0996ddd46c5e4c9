"""The frozen app's window entry (``BrokerDesk``; on Windows without a console).

A ledger file given first (``BrokerDesk ledger.brokerdesk``, as the desktop opens one) opens in
the window; anything else means what it means to ``broker-desk``.
"""

import sys

from broker_desk.cli import COMMANDS, main

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        args = ["--db", *args]
    sys.exit(main(args))
