"""`python gateway/demo.py`: the same as `python -m specgate_gateway.demo` run from gateway/.
See specgate_gateway/demo.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from specgate_gateway.demo import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
