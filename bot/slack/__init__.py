"""Everything that talks to Slack: the bolt app, the HTTP server, the Web API
client, the replies to pasted links, and digest sending.
"""
