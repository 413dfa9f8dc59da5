"""The text toolkit: one home for the string helpers the other packages share.

Names and folding, sentences, terms and stemming, similarity and MinHash, date
phrases and extractive summaries. Pure functions; imports nothing of ours.
"""
