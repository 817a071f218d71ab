"""Reading rating sheets back from scans and photos (needs the `scan` extra: OpenCV,
zxing-cpp, pypdfium2).

raster (files → page images) → markers (page → sheet grid) → qr (which sheet) →
bubbles (how dark, what a row says) → reader (one page) → session (a run, into the history).
"""
