"""From a URL or file to an ``Extracted`` article: fetch, decode, extract, feeds, language."""
