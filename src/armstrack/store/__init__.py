"""armstrack.store"""
