"""One module per `mailtutor` subcommand: HELP, add_arguments(parser), run(args) -> int."""
