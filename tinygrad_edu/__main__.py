"""``python -m tinygrad_edu``: the same command line as ``tinygrad-edu``. Layer: top."""

import sys

from tinygrad_edu.cli import main

sys.exit(main())
