"""Demo and generated data: the small demo organisation and the scale seeds."""
