"""The text toolkit: one home for the string helpers the other packages share.

Pure functions; imports nothing of ours outside this package. Within it,
imports point one way, top to bottom:

* ``names``: folding (accents, case, ASCII) and name keys; ``sentences``:
  sentence boundaries and leads; ``events``: the event-class vocabulary.
* ``terms``: words, stop words, stemming, content terms and their counts.
* ``similarity``: weights, cosine, shingles, MinHash; ``dates``: date phrases;
  ``summarize``: extractive summaries.
"""
