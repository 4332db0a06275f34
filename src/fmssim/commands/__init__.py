"""Commands beyond a single run: compare, sweep, optimise and report (registered in ``cli``)."""
