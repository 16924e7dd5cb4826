-- External identity providers a tenant trusts. One issuer (with one tenant claim value) belongs
-- to one tenant only: the unique index spans tenants, so a second tenant cannot register the
-- same provider to capture or block the first one's users.
CREATE TABLE identity.oidc_issuers (
    tenant_id          uuid        NOT NULL,
    issuer_id          uuid        NOT NULL,
    issuer             text        NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
    jwks_uri           text        NOT NULL CHECK (jwks_uri ~ '^https?://'),
    audiences          text[]      NOT NULL CHECK (cardinality(audiences) >= 1),
    tenant_claim       text,
    tenant_claim_value text,
    subject_claim      text        NOT NULL DEFAULT 'sub',
    roles_claim        text        NOT NULL DEFAULT 'roles',
    role_mapping       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    default_roles      text[]      NOT NULL DEFAULT '{}',
    clock_skew_seconds integer     NOT NULL DEFAULT 60 CHECK (clock_skew_seconds BETWEEN 0 AND 300),
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, issuer_id),
    CHECK ((tenant_claim IS NULL) = (tenant_claim_value IS NULL))
);
CREATE UNIQUE INDEX oidc_issuers_one_tenant ON identity.oidc_issuers (issuer, coalesce(tenant_claim_value, ''));

ALTER TABLE identity.oidc_issuers ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.oidc_issuers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.oidc_issuers
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
CREATE POLICY token_lookup ON identity.oidc_issuers FOR SELECT TO CURRENT_USER USING (true);

-- The registrations of one `iss`, before the tenant is known (the token names only its issuer).
CREATE FUNCTION identity.oidc_registrations(presented_issuer text)
RETURNS TABLE (tenant_id uuid, issuer_id uuid, issuer text, jwks_uri text, audiences text[],
               tenant_claim text, tenant_claim_value text, subject_claim text, roles_claim text,
               role_mapping text, default_roles text[], clock_skew_seconds integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity AS $$
    SELECT o.tenant_id, o.issuer_id, o.issuer, o.jwks_uri, o.audiences, o.tenant_claim, o.tenant_claim_value,
           o.subject_claim, o.roles_claim, o.role_mapping::text, o.default_roles, o.clock_skew_seconds
    FROM identity.oidc_issuers o WHERE o.issuer = presented_issuer
$$;

REVOKE ALL ON FUNCTION identity.oidc_registrations(text) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION identity.oidc_registrations(text) TO %I', current_setting('palisade.runtime_role'));
END
$$;
