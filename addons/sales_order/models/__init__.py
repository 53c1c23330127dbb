"""Models of the sales_order addon, one module per model."""
