-- Tenants known to the edge. A row is visible only to a unit of work for that tenant.
CREATE TABLE identity.tenants (
    tenant_id  uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE identity.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.tenants
    USING (tenant_id = palisade.current_tenant())
    WITH CHECK (tenant_id = palisade.current_tenant());
