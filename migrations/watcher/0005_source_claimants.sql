-- A claim names the instance that took it, so that an instance ends only its own. 0004 ended a
-- claim by source alone: an instance whose check outlived its claim (the database stalled, say)
-- and that then recorded the check, or handed the claim back at shutdown, ended the newer
-- claim of the instance that had taken the source over since, and a third check could start.
-- Claims of the previous release name no claimant (NULL), and any instance may end them, as
-- before.
ALTER TABLE watcher.sources ADD COLUMN claimed_by uuid;

CREATE FUNCTION watcher.claim_due_sources(max_count integer, claim_seconds integer, claimant uuid)
RETURNS TABLE (tenant_id uuid, watcher_id uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, watcher AS $$
    WITH due AS (
        SELECT s.watcher_id FROM watcher.sources s
        WHERE s.next_check_at <= now() AND (s.claimed_until IS NULL OR s.claimed_until < now())
        ORDER BY s.consecutive_failures > 0, s.next_check_at
        LIMIT max_count
        -- Another instance's claim in progress is passed over, not waited for.
        FOR UPDATE SKIP LOCKED
    )
    UPDATE watcher.sources s SET claimed_until = now() + make_interval(secs => claim_seconds), claimed_by = claimant
    FROM due WHERE s.watcher_id = due.watcher_id
    RETURNING s.tenant_id, s.watcher_id
$$;

-- The previous release's call, during a rolling upgrade: its claims name no claimant (and so
-- do not keep a claimant of an earlier claim that this one replaces).
CREATE OR REPLACE FUNCTION watcher.claim_due_sources(max_count integer, claim_seconds integer)
RETURNS TABLE (tenant_id uuid, watcher_id uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, watcher AS $$
    SELECT * FROM watcher.claim_due_sources(max_count, claim_seconds, NULL)
$$;

REVOKE ALL ON FUNCTION watcher.claim_due_sources(integer, integer, uuid) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION watcher.claim_due_sources(integer, integer, uuid) TO %I',
                   current_setting('palisade.runtime_role'));
END
$$;
