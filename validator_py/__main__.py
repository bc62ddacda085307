"""``python -m validator_py check ...``"""

import sys

from .cli import main

sys.exit(main())
