"""armstrack.cli"""
