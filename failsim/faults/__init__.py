"""Faults and labels: the realised event log of a run, and the labels built from it.

Labels are never guessed from the signals: they come from what the kernel logged as it
happened (fault onsets, trips, stops, machine-state changes).
"""
