"""Chapter 3 figures (filled in below)."""
FIGURES = []
