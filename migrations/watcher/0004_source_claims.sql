-- Sources are claimed for a while before they are checked, so that several watcher
-- instances on one database never check the same source at once (each would fetch it and
-- report the same change). A claim lasts past the fetch timeout; a check records its outcome
-- and ends the claim, and an instance that dies mid-check leaves a claim that simply expires.
-- `due_sources` stays for instances of the previous release during a rolling upgrade.
ALTER TABLE watcher.sources ADD COLUMN claimed_until timestamptz;

-- Like `scheduler_scan` (0002): the schema owner, through the function below only, marks due
-- sources of every tenant as claimed. The runtime role still sees only its tenant's rows.
CREATE POLICY scheduler_claim ON watcher.sources FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE FUNCTION watcher.claim_due_sources(max_count integer, claim_seconds integer)
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
    UPDATE watcher.sources s SET claimed_until = now() + make_interval(secs => claim_seconds)
    FROM due WHERE s.watcher_id = due.watcher_id
    RETURNING s.tenant_id, s.watcher_id
$$;
REVOKE ALL ON FUNCTION watcher.claim_due_sources(integer, integer) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION watcher.claim_due_sources(integer, integer) TO %I', current_setting('palisade.runtime_role'));
END
$$;
