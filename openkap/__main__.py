from openkap.cli import main

main()
