"""Purchase business logic: supplier prices, requisitions, orders, receipts."""
