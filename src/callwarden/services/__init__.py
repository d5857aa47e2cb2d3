"""Use cases, one function each: authorise, one transaction, its audit event, enqueue on commit."""
