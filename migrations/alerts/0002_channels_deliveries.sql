-- Where a tenant's alerts go. The signing secret is never returned after creation.
CREATE TABLE alerts.channels (
    tenant_id     uuid        NOT NULL,
    channel_id    uuid        NOT NULL,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type          text        NOT NULL CHECK (type IN ('webhook')),
    url           text        NOT NULL,
    secret        text        NOT NULL,
    min_severity  text        NOT NULL CHECK (min_severity IN ('info', 'low', 'medium', 'high', 'critical')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text        NOT NULL,
    PRIMARY KEY (tenant_id, channel_id)
);

-- One delivery per (channel, incident event): a redelivered incident event finds it and is
-- not sent again once delivered or given up.
CREATE TABLE alerts.deliveries (
    tenant_id          uuid        NOT NULL,
    delivery_id        uuid        NOT NULL,
    channel_id         uuid        NOT NULL,
    incident_event_id  text        NOT NULL,
    incident_id        text        NOT NULL,
    status             text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts           integer     NOT NULL DEFAULT 0,
    last_status_code   integer,
    last_error         text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, delivery_id),
    UNIQUE (tenant_id, channel_id, incident_event_id)
);
CREATE INDEX deliveries_by_time ON alerts.deliveries (tenant_id, created_at DESC, delivery_id DESC);

-- Every attempt, for `GET /v1/deliveries`.
CREATE TABLE alerts.attempts (
    tenant_id    uuid        NOT NULL,
    delivery_id  uuid        NOT NULL,
    attempt      integer     NOT NULL,
    started_at   timestamptz NOT NULL,
    duration_ms  integer     NOT NULL,
    status_code  integer,
    error        text,
    PRIMARY KEY (tenant_id, delivery_id, attempt),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES alerts.deliveries (tenant_id, delivery_id) ON DELETE CASCADE
);

ALTER TABLE alerts.channels ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts.channels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON alerts.channels
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE alerts.deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts.deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON alerts.deliveries
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE alerts.attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts.attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON alerts.attempts
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
