"""Keys, XMLDSig, XAdES and ASiC-E containers."""
