"""microcred core: keys, DIDs, credential formats, status lists, trust and one verification pipeline."""
