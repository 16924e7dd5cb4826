-- A source that keeps failing is looked at less often (its interval doubled per failure, up to
-- a day), and sources that answer are checked before failing ones: a pile of unreachable
-- sources must not hold a healthy source back.
ALTER TABLE watcher.sources ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0);

CREATE OR REPLACE FUNCTION watcher.due_sources(max_count integer)
RETURNS TABLE (tenant_id uuid, watcher_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, watcher AS $$
    SELECT s.tenant_id, s.watcher_id FROM watcher.sources s
    WHERE s.next_check_at <= now()
    ORDER BY s.consecutive_failures > 0, s.next_check_at
    LIMIT max_count
$$;
