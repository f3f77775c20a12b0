"""Background schedules: reminders and periodic sweeps (calendar helpers in `calendar`)."""
