"""The commands of ``orbitviz``, one module each: ``add_parser(subparsers)`` declares the
command's words and options and sets ``func``, the function that runs it. The modules import
the library inside those functions, so that ``orbitviz --help`` (and every argument error)
answers without loading SPICE, pandas or the N-body engine; :data:`orbitviz.cli.COMMANDS`
lists them."""
