"""Purchase models: supplier prices, requisitions, orders and their lines."""
