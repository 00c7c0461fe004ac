"""Community: announcements, events, the house board and roommate conflicts."""
