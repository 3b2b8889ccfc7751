"""armstrack.ingest"""
