"""`python gateway/loadtest.py`: the same as `python -m specgate_gateway.loadtest` run from
gateway/. See specgate_gateway/loadtest.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from specgate_gateway.loadtest import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
