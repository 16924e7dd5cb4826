-- Documents a tenant watches (pricing pages, deprecation lists, release notes).
CREATE TABLE watcher.sources (
    tenant_id         uuid        NOT NULL,
    watcher_id        uuid        NOT NULL,
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    url               text        NOT NULL,
    provider          text        NOT NULL,
    classification    text        NOT NULL CHECK (classification IN ('pricing_update', 'deprecation', 'release_note', 'other')),
    severity          text        NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    interval_seconds  integer     NOT NULL CHECK (interval_seconds > 0),
    etag              text,
    last_modified     text,
    content_hash      text,
    last_checked_at   timestamptz,
    last_status       text,
    next_check_at     timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        text        NOT NULL,
    PRIMARY KEY (tenant_id, watcher_id)
);
CREATE INDEX sources_due ON watcher.sources (next_check_at);

-- Every distinct version seen of a source.
CREATE TABLE watcher.snapshots (
    tenant_id     uuid        NOT NULL,
    watcher_id    uuid        NOT NULL,
    content_hash  text        NOT NULL,
    content       text        NOT NULL,
    taken_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, watcher_id, content_hash),
    FOREIGN KEY (tenant_id, watcher_id) REFERENCES watcher.sources (tenant_id, watcher_id) ON DELETE CASCADE
);

-- Which routes use which provider, from runtime events: a change's blast radius.
CREATE TABLE watcher.route_inventory (
    tenant_id     uuid        NOT NULL,
    provider      text        NOT NULL,
    route_id      text        NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, provider, route_id)
);

ALTER TABLE watcher.sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE watcher.sources FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON watcher.sources
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE watcher.snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE watcher.snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON watcher.snapshots
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE watcher.route_inventory ENABLE ROW LEVEL SECURITY;
ALTER TABLE watcher.route_inventory FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON watcher.route_inventory
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

-- The scheduler must learn which sources are due across tenants, and nothing else: this
-- function, owned by the schema owner, returns only (tenant, watcher) ids. The owner reads
-- through a policy of its own; the runtime role still sees only its claimed tenant's rows.
CREATE POLICY scheduler_scan ON watcher.sources FOR SELECT TO CURRENT_USER USING (true);
CREATE FUNCTION watcher.due_sources(max_count integer)
RETURNS TABLE (tenant_id uuid, watcher_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, watcher AS $$
    SELECT s.tenant_id, s.watcher_id FROM watcher.sources s
    WHERE s.next_check_at <= now()
    ORDER BY s.next_check_at
    LIMIT max_count
$$;
REVOKE ALL ON FUNCTION watcher.due_sources(integer) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION watcher.due_sources(integer) TO %I', current_setting('palisade.runtime_role'));
END
$$;
