"""The Redis store: the one client type, connecting (embedded, URL, cluster),
key names, serialisation of stored records and one team's records.
"""
