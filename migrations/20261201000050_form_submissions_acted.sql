-- A form's one-time key is marked used in the very transaction that does what
-- the form asked (acted_at), so the two commit together or not at all: a
-- process that stops after committing but before recording where the form
-- led leaves a key marked used, and a resend is not run a second time.
-- `claim` names the request holding the key; when a claim is given up for
-- abandoned and taken over, the request that lost it can neither mark nor
-- settle the key.
alter table form_submissions
    add column claim uuid,
    add column acted_at timestamptz;
