"""Applications: the list, one application with its matches, approval and batch placement."""
