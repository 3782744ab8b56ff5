# The summary's English date, "14 March 2026": day first, as the product's British spelling.
# Every other format falls back to Django's English ones.
DATE_FORMAT = "j F Y"
