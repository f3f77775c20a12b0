"""Channels: turn platform updates into `Incoming` and render `Reply`; they decide nothing."""
