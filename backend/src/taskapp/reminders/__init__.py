"""Reminders, in-app notifications and the daily digest (issue 19); fired by taskapp.worker."""
