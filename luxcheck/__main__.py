"""``python -m luxcheck`` runs the command line."""

import sys

from luxcheck.cli import main

sys.exit(main())
