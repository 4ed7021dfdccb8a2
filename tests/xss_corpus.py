"""Payloads that try to run script where customer text is shown.

Each sets ``window.__xss`` when it runs, so a browser test can tell; the server
tests check that none of them comes back unescaped.
"""

PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=2>",
    "<svg onload=window.__xss=3>",
    '"><script>window.__xss=4</script>',
    "'><img src=x onerror=window.__xss=5>",
    '<iframe srcdoc="<script>parent.__xss=6</script>"></iframe>',
    '<a href="javascript:window.__xss=7">click</a>',
    "<body onload=window.__xss=8>",
    "<details open ontoggle=window.__xss=9>",
    "</textarea><script>window.__xss=10</script>",
    "</title><script>window.__xss=11</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=12>",
    "{{ 7|add:7 }}<script>window.__xss=13</script>",
    "<input autofocus onfocus=window.__xss=14>",
    "<scr<script>ipt>window.__xss=15</script>",
    "<video><source onerror=window.__xss=16></video>",
]
