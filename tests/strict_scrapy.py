"""``python -m tests.strict_scrapy ARGS``: Scrapy's command line (as ``python -m scrapy``) with
Scrapy's own deprecation warnings as errors.

``-W error::scrapy.exceptions.ScrapyDeprecationWarning`` on the command line does not do it: Python
reads ``-W`` before site-packages is importable and ignores the option ("Invalid -W option ignored:
invalid module name: 'scrapy.exceptions'"), and ScrapyDeprecationWarning is a Warning subclass, not
a DeprecationWarning, so ``-W error::DeprecationWarning`` misses it.
"""

import sys
import warnings

from scrapy.cmdline import execute
from scrapy.exceptions import ScrapyDeprecationWarning

if __name__ == "__main__":
    warnings.simplefilter("error", ScrapyDeprecationWarning)
    sys.argv[0] = "scrapy"
    execute()
