"""What every app may use and none owns: imports no app of ours.

Identifiers and phone numbers as stored, the client's address, the staff roles,
how a colleague is named, the shared choices, and the one safe way to queue a
task. The apps above build on it in one direction: complaints, then recovery,
then notifications, with the managers' review on top (see
``tests/config/test_layers.py``).
"""
