"""The antrean on the day of a visit, by concern: the line's numbers and hours (`line`), what the
antrean flow may read about it (`facts`), the screen at a stand (`board`), the check-in effect
(`checkin`) and the petugas' calls (`stand`). All work in the caller's transaction; who is told what
goes through the outbox."""
