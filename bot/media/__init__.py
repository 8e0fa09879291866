"""Design files: content checks (Pillow, PDF and MP4 parsers), previews, the file store."""
