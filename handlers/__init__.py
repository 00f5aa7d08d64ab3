"""Turn one event into flow runs and carry out what the flows decided, in one transaction."""
