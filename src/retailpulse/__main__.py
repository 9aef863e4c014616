from retailpulse.cli import main

main()
