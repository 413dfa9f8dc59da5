"""Pictures of a topic, rendered offline as PNG with matplotlib's Agg backend (no
display, no network, no tile server): the articles per day with the developments
marked (``chart``) and the brief's places sized by mentions (``places``). Each
comes with an alt text that says what it shows; a picture never replaces text.
"""
