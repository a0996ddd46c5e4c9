"""The window: a thin Qt layer over the core. Only this package imports Qt."""
