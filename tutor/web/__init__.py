"""`mailtutor web`: the TUI served to browsers, one app process per tab, through textual-serve.

students.py names students and guards their folders; texts.py holds the pages' strings;
server.py is the aiohttp server (a textual-serve Server subclass) that pages and starts them.
"""
