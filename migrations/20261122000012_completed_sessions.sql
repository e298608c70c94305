-- The dashboards ask each engagement for its last completed session, and count
-- completed sessions up to the number readiness needs. In the engagement index
-- those sit among scheduled, cancelled and future sessions; this one holds only
-- the completed, newest reachable first.
create index coaching_sessions_completed on coaching_sessions (org_id, engagement_id, starts_at)
    where status = 'completed';
