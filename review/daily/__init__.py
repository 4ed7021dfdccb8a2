"""The managers' review read from per-day sums: the summary's scale, how it is built, how it is read."""
