"""Running the crawler as an operator does: quiet nightly output, politeness under load, checks on the files a command is given."""
