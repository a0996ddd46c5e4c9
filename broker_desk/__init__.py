"""BrokerDesk (技术经纪人工作台): a desktop workbench for China's technology brokers.

The core (everything here except ``broker_desk.gui``) never imports Qt: the
command line, the tests and the window all drive the same functions.
"""

__version__ = "0.1.0"
