"""armstrack.events"""
