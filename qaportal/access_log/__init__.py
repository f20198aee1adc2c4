"""The access log: who viewed, downloaded or exported which review, report, feedback item or table,
and when. Pages record with `services.record_access` (one INSERT); the quality team reads and
downloads the log; a nightly task keeps it to each council's retention period."""
