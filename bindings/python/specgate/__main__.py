"""`python -m specgate ...`: the specgate command line (lint, routes, validate).

Runs the same C++ code as the `specgate` executable (specgate::run_cli), so it prints exactly
what the executable prints and exits with its status: 0 success/valid, 1 problems
found/invalid, 2 bad usage or unusable spec.
"""

from __future__ import annotations

import sys
from typing import IO, Any, List, Optional

from . import _core


def _write(stream: IO[Any], data: bytes) -> None:
    if not data:
        return
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "replace"))
        stream.flush()


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line with argv (default: sys.argv[1:]); returns the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    status, out, err = _core.run_cli(args)
    _write(sys.stdout, out)
    _write(sys.stderr, err)
    return status


if __name__ == "__main__":
    sys.exit(main())
