from conflictmap.cli import run

run()
