"""The command-line face: thin Typer commands, one library call each."""
