-- What each message is about, so the delivery page can count alignment
-- meeting mail by kind and state without showing its subject, its time or
-- the names of the meeting's people. Messages queued before this are 'other',
-- which the page treats as carefully as meeting mail.
alter table outbox_messages add column kind text not null default 'other';
