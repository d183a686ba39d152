from shouwang.config.cli import main

main()
