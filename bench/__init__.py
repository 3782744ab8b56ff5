"""The benchmark suite: the product measured side by side with its baselines (`make bench`).

Every benchmark runs the product and its baseline in the same run on the same machine,
interleaved where it can, and reports their ratio: on a shared, noisy machine a single
absolute time means little. See bench/RESULTS.md for the figures and how they were made.
"""
