-- Where a tenant's records are streamed. The token is never returned after creation.
CREATE TABLE siem.destinations (
    tenant_id       uuid        NOT NULL,
    destination_id  uuid        NOT NULL,
    name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type            text        NOT NULL CHECK (type IN ('splunk_hec')),
    url             text        NOT NULL,
    token           text        NOT NULL,
    index_name      text,
    sourcetype      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL,
    PRIMARY KEY (tenant_id, destination_id)
);

-- What each destination has accepted, by record id: a redelivered record is not sent again.
CREATE TABLE siem.forwarded (
    tenant_id       uuid        NOT NULL,
    destination_id  uuid        NOT NULL,
    record_id       text        NOT NULL,
    forwarded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, destination_id, record_id)
);

ALTER TABLE siem.destinations ENABLE ROW LEVEL SECURITY;
ALTER TABLE siem.destinations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON siem.destinations
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE siem.forwarded ENABLE ROW LEVEL SECURITY;
ALTER TABLE siem.forwarded FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON siem.forwarded
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
