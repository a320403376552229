"""Analysis: stored readings to metric ids, batched over the whole campaign."""
