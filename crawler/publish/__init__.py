"""Publish: the public course finder, feeds and data files built from the reviewed catalogue."""
