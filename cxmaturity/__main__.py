from cxmaturity.cli import main

raise SystemExit(main())
