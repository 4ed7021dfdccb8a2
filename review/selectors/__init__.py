"""Every read the managers' review makes: a fixed number of aggregate queries per page.

Each function takes the period (and filters) and returns plain numbers and
rows; nothing here formats or rounds, so a page and its CSV, which both call
these, cannot disagree. Each figure is counted at the moment its event
happened: a breach when it was recorded, a first contact when it was made, a
resolution when it was resolved, an answer when it was given. So a past
period's figures stay put as tickets move on.
"""
