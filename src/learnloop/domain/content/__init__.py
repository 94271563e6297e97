"""Learning content grounded in sources: chunks of a source, the components made from them.

Pure: chunking, sentence splitting, component bodies and the rules that choose a modality.
"""
