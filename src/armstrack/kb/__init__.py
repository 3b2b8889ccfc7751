"""armstrack.kb"""
