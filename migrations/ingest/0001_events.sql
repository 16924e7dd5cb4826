-- Runtime and change events, one row per (tenant, event_id): a redelivered record is a no-op.
CREATE TABLE events.events (
    tenant_id   uuid        NOT NULL,
    event_id    text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('runtime', 'change')),
    type        text        NOT NULL,
    route_id    text,
    provider    text,
    model       text,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    request_id  text,
    body        jsonb       NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE INDEX events_by_time ON events.events (tenant_id, occurred_at DESC, event_id DESC);
CREATE INDEX events_by_route ON events.events (tenant_id, route_id, occurred_at DESC, event_id DESC);

ALTER TABLE events.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events.events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events.events
    USING (tenant_id = palisade.current_tenant())
    WITH CHECK (tenant_id = palisade.current_tenant());
