"""``python -m xmr_agent.cli ...``: the ``xmr`` command without its console script."""

from xmr_agent.cli import main

main()
