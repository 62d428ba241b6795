"""Allow ``python -m storyline``."""

from storyline.cli import main

if __name__ == "__main__":
    main()
