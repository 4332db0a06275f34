"""``python -m fmssim``: the same command as the ``fmssim`` console script."""

from fmssim.cli import main

if __name__ == "__main__":
    main(prog_name="fmssim")
