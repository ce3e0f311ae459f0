"""Clustering shared by the services: size-constrained K-medians / K-means and the mixed-data encoding."""
