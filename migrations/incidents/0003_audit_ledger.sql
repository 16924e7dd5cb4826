-- The tamper-evident audit ledger: a per-tenant hash chain,
-- hash_n = SHA-256(hash_{n-1} || canonical bytes of record n), hash_0 = 32 zero bytes.
CREATE TABLE incidents.audit_ledger (
    tenant_id    uuid        NOT NULL,
    sequence     bigint      NOT NULL CHECK (sequence > 0),
    entry_id     text        NOT NULL,
    kind         text        NOT NULL,
    actor        text        NOT NULL,
    occurred_at  text        NOT NULL,
    request_id   text        NOT NULL,
    subject      text        NOT NULL,
    hash         bytea       NOT NULL CHECK (length(hash) = 32),
    appended_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sequence),
    UNIQUE (tenant_id, entry_id)
);

-- The chain's head per tenant: appends lock it, so one tenant's chain grows one record at a time.
CREATE TABLE incidents.audit_heads (
    tenant_id  uuid   NOT NULL PRIMARY KEY,
    sequence   bigint NOT NULL,
    hash       bytea  NOT NULL CHECK (length(hash) = 32)
);

ALTER TABLE incidents.audit_ledger ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents.audit_ledger FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON incidents.audit_ledger
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE incidents.audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents.audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON incidents.audit_heads
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

-- Append-only for the service: its runtime role may read and add records, never change them.
DO $$
BEGIN
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON incidents.audit_ledger FROM %I',
                   current_setting('palisade.runtime_role'));
END
$$;
