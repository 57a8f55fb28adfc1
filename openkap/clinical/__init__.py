"""The medicine, in pure Python: knowledge data (rule packs, instruments), the eligibility engine and
instrument scoring. Nothing here imports Django (a test proves it), so the clinical logic can be read,
tested and benchmarked on its own. Every clinical fact lives in the data files under knowledge/, each
with its source and strength; the code only interprets them."""
