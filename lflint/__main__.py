"""The command line in a process of its own: ``lflint`` (the console script) and ``python -m lflint``."""

import gc


def run() -> None:
    """Start-up (click, then lflint's own modules) makes tens of thousands of objects and no garbage, which the
    cyclic collector would walk again at each collection: it is off while they are made, and they are then frozen
    (``gc.freeze``): no later collection walks them, nor does a forked ``--jobs`` worker copy them for it. Not
    done by ``lflint.cli`` itself, which tests and other programs import into processes of their own."""
    gc.disable()
    from .cli import main

    gc.freeze()
    gc.enable()
    main(prog_name="lflint")


if __name__ == "__main__":
    run()
