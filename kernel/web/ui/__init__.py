"""Generic screens: list and form pages rendered from ``kernel.web.views.View`` declarations."""
