-- Policy packs: immutable versions and their signatures, what each tenant has active (and the
-- history of how it got there), approvals, and an outbox of what must reach Kafka (audit
-- entries, the tenant's active pack set, approval outcomes). Every table is tenant-scoped.

-- A version is written once: `document` is the pack's canonical JSON, the bytes a signature covers.
CREATE TABLE policy.pack_versions (
    tenant_id   uuid        NOT NULL,
    pack_id     text        NOT NULL CHECK (pack_id ~ '^[A-Za-z0-9_.:-]{1,128}$'),
    version     text        NOT NULL CHECK (length(version) BETWEEN 5 AND 128),
    description text        NOT NULL DEFAULT '',
    document    text        NOT NULL,
    digest      bytea       NOT NULL CHECK (length(digest) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, pack_id, version)
);

CREATE TABLE policy.pack_signatures (
    tenant_id uuid        NOT NULL,
    pack_id   text        NOT NULL,
    version   text        NOT NULL,
    key_id    text        NOT NULL CHECK (length(key_id) BETWEEN 1 AND 200),
    signature bytea       NOT NULL CHECK (length(signature) = 64),
    added_at  timestamptz NOT NULL DEFAULT now(),
    added_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, pack_id, version, key_id),
    FOREIGN KEY (tenant_id, pack_id, version) REFERENCES policy.pack_versions
);

-- At most one active version per pack and tenant.
CREATE TABLE policy.pack_activations (
    tenant_id    uuid        NOT NULL,
    pack_id      text        NOT NULL,
    version      text        NOT NULL,
    mode         text        NOT NULL CHECK (mode IN ('enforce', 'shadow')),
    activated_at timestamptz NOT NULL DEFAULT now(),
    activated_by text        NOT NULL,
    PRIMARY KEY (tenant_id, pack_id),
    FOREIGN KEY (tenant_id, pack_id, version) REFERENCES policy.pack_versions
);

-- Every activation, rollback and deactivation, in order; rollback reads it to find the version before.
CREATE TABLE policy.activation_history (
    tenant_id  uuid        NOT NULL,
    change_id  bigint      GENERATED ALWAYS AS IDENTITY,
    pack_id    text        NOT NULL,
    version    text,
    mode       text        CHECK (mode IN ('enforce', 'shadow')),
    change     text        NOT NULL CHECK (change IN ('activate', 'rollback', 'deactivate')),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL,
    request_id text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, change_id)
);
CREATE INDEX activation_history_by_pack ON policy.activation_history (tenant_id, pack_id, change_id);

-- The revision of each tenant's active set, raised with every change of it.
CREATE TABLE policy.pack_sets (
    tenant_id uuid   NOT NULL PRIMARY KEY,
    revision  bigint NOT NULL CHECK (revision > 0)
);

CREATE TABLE policy.approvals (
    tenant_id    uuid        NOT NULL,
    approval_id  uuid        NOT NULL,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    -- What was asked: subject, action, resource (never the request's context values).
    request      jsonb       NOT NULL,
    pack_id      text        NOT NULL,
    pack_version text        NOT NULL,
    rule_path    text        NOT NULL,
    reason       text        NOT NULL,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    decided_by   text,
    decided_at   timestamptz,
    comment      text        CHECK (length(comment) <= 2000),
    request_id   text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, approval_id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX approvals_pending ON policy.approvals (expires_at) WHERE status = 'pending';
CREATE INDEX approvals_by_tenant ON policy.approvals (tenant_id, requested_at DESC, approval_id);

-- Records written in the transaction of the change they describe and published after it
-- commits; a relay publishes whatever a crash or a broker outage left behind.
CREATE TABLE policy.outbox (
    tenant_id    uuid        NOT NULL,
    entry_id     text        NOT NULL,
    topic        text        NOT NULL,
    record       bytea       NOT NULL,
    request_id   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz,
    PRIMARY KEY (tenant_id, entry_id)
);
CREATE INDEX outbox_pending ON policy.outbox (created_at) WHERE published_at IS NULL;

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['pack_versions', 'pack_signatures', 'pack_activations', 'activation_history',
                                'pack_sets', 'approvals', 'outbox'] LOOP
        EXECUTE format('ALTER TABLE policy.%I ENABLE ROW LEVEL SECURITY', name);
        EXECUTE format('ALTER TABLE policy.%I FORCE ROW LEVEL SECURITY', name);
        EXECUTE format('CREATE POLICY tenant_isolation ON policy.%I USING (tenant_id = palisade.current_tenant())'
                       ' WITH CHECK (tenant_id = palisade.current_tenant())', name);
    END LOOP;
    -- Versions, signatures and history are append-only for the service.
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON policy.pack_versions, policy.pack_signatures,'
                   ' policy.activation_history FROM %I', current_setting('palisade.runtime_role'));
END
$$;

-- The schema owner reads across tenants only inside the SECURITY DEFINER functions below.
CREATE POLICY relay_scan ON policy.outbox FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY expiry_scan ON policy.approvals FOR SELECT TO CURRENT_USER USING (true);

-- Tenants with outbox records still unpublished after `older_than_seconds`.
CREATE FUNCTION policy.tenants_with_pending_outbox(older_than_seconds integer, max_count integer)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, policy AS $$
    SELECT DISTINCT o.tenant_id FROM policy.outbox o
    WHERE o.published_at IS NULL AND o.created_at < now() - make_interval(secs => older_than_seconds)
    LIMIT max_count
$$;

-- Tenants with pending approvals past their expiry.
CREATE FUNCTION policy.tenants_with_expired_approvals(max_count integer)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, policy AS $$
    SELECT DISTINCT a.tenant_id FROM policy.approvals a
    WHERE a.status = 'pending' AND a.expires_at <= now()
    LIMIT max_count
$$;

REVOKE ALL ON FUNCTION policy.tenants_with_pending_outbox(integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION policy.tenants_with_expired_approvals(integer) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION policy.tenants_with_pending_outbox(integer, integer) TO %I', current_setting('palisade.runtime_role'));
    EXECUTE format('GRANT EXECUTE ON FUNCTION policy.tenants_with_expired_approvals(integer) TO %I', current_setting('palisade.runtime_role'));
END
$$;
