-- The last audit.journal sequence number committed here: rows beyond it in the journal were answered but not yet
-- committed when a broker stopped, and are copied in by whoever opens the log next (AuditJournal).
CREATE TABLE audit_journal (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);

INSERT INTO audit_journal (id, last_seq) VALUES (1, 0);
