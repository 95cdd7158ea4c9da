"""``python -m breakthrough_nlp``: the ``breakthrough-nlp`` command."""

import sys

from .cli import main

sys.exit(main())
