"""One module per screen, each with its stylesheet beside it where it needs one."""
