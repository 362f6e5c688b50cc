"""One module per noun; each declares its commands and the functions they reach."""
