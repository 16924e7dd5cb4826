-- Users, roles, API keys and the audit outbox of identity changes. Every table is tenant-scoped
-- by row-level security; the edge finds an API key before it knows the tenant only through
-- identity.api_key_credential, which returns nothing but what verification needs.

CREATE TABLE identity.roles (
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
    description  text        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    capabilities text[]      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE identity.users (
    tenant_id    uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    -- The OIDC subject or e-mail the user signs in as.
    subject      text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 320),
    display_name text        NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    roles        text[]      NOT NULL DEFAULT '{}',
    disabled     boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, subject)
);

CREATE TABLE identity.api_keys (
    key_id       text        PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{24}$'),
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- SHA-256 of the secret; the secret itself is shown once and never stored.
    secret_hash  bytea       NOT NULL CHECK (length(secret_hash) = 32),
    capabilities text[]      NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_by_tenant ON identity.api_keys (tenant_id, created_at, key_id);

-- Audit entries of identity changes, written in the change's own transaction and published
-- after it commits; a relay publishes whatever a crash left behind.
CREATE TABLE identity.audit_outbox (
    tenant_id    uuid        NOT NULL,
    entry_id     text        NOT NULL,
    record       bytea       NOT NULL,
    request_id   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    PRIMARY KEY (tenant_id, entry_id)
);
CREATE INDEX audit_outbox_pending ON identity.audit_outbox (created_at) WHERE published_at IS NULL;

ALTER TABLE identity.roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.roles
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

ALTER TABLE identity.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.users
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

ALTER TABLE identity.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.api_keys
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

ALTER TABLE identity.audit_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.audit_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.audit_outbox
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

-- The schema owner reads across tenants only inside the SECURITY DEFINER functions below.
CREATE POLICY credential_lookup ON identity.api_keys FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY relay_scan ON identity.audit_outbox FOR SELECT TO CURRENT_USER USING (true);

CREATE FUNCTION identity.api_key_credential(presented_key_id text)
RETURNS TABLE (tenant_id uuid, secret_hash bytea, capabilities text[], created_by text,
               expires_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity AS $$
    SELECT k.tenant_id, k.secret_hash, k.capabilities, k.created_by, k.expires_at, k.revoked_at
    FROM identity.api_keys k WHERE k.key_id = presented_key_id
$$;

-- Tenants with audit entries still unpublished after `older_than_seconds`.
CREATE FUNCTION identity.tenants_with_pending_audit(older_than_seconds integer, max_count integer)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity AS $$
    SELECT DISTINCT o.tenant_id FROM identity.audit_outbox o
    WHERE o.published_at IS NULL AND o.created_at < now() - make_interval(secs => older_than_seconds)
    LIMIT max_count
$$;

REVOKE ALL ON FUNCTION identity.api_key_credential(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION identity.tenants_with_pending_audit(integer, integer) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION identity.api_key_credential(text) TO %I', current_setting('palisade.runtime_role'));
    EXECUTE format('GRANT EXECUTE ON FUNCTION identity.tenants_with_pending_audit(integer, integer) TO %I', current_setting('palisade.runtime_role'));
END
$$;
