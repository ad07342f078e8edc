from conflictmap.cli import main

raise SystemExit(main())
