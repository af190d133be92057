"""``python -m evaluation`` (what ``make eval`` runs)."""

import sys

from evaluation.run import main

sys.exit(main())
