"""armstrack.register"""
