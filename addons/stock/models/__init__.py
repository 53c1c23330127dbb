"""The stock models, one module per model."""
