-- Incidents: one per (tenant, correlation key) while open within the correlation window.
CREATE TABLE incidents.incidents (
    tenant_id        uuid        NOT NULL,
    incident_id      uuid        NOT NULL,
    correlation_key  text        NOT NULL,
    route_id         text        NOT NULL,
    rule_id          text        NOT NULL,
    title            text        NOT NULL,
    severity         text        NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    status           text        NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    version          bigint      NOT NULL,
    evidence_count   bigint      NOT NULL,
    opened_at        timestamptz NOT NULL,
    last_seen_at     timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    resolved_at      timestamptz,
    resolved_by      text,
    PRIMARY KEY (tenant_id, incident_id)
);
CREATE INDEX incidents_open_by_key ON incidents.incidents (tenant_id, correlation_key, last_seen_at DESC)
    WHERE status <> 'resolved';
CREATE INDEX incidents_by_time ON incidents.incidents (tenant_id, opened_at DESC, incident_id DESC);

-- The evidence timeline: what each entry refers to (event ids, policy results, change ids).
-- A piece of evidence is recorded once per tenant, so redelivered results are no-ops.
CREATE TABLE incidents.timeline (
    tenant_id     uuid        NOT NULL,
    incident_id   uuid        NOT NULL,
    position      bigint      NOT NULL,
    kind          text        NOT NULL,
    evidence_id   text,
    event_id      text,
    detail        jsonb       NOT NULL,
    occurred_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, incident_id, position),
    FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents.incidents (tenant_id, incident_id)
);
CREATE UNIQUE INDEX timeline_evidence_once ON incidents.timeline (tenant_id, evidence_id) WHERE evidence_id IS NOT NULL;

-- Every incident event published, keyed by what caused it: a redelivered cause re-publishes
-- the stored event instead of making a new one (the incidents topic's outbox and history).
CREATE TABLE incidents.changes (
    tenant_id    uuid        NOT NULL,
    incident_id  uuid        NOT NULL,
    version      bigint      NOT NULL,
    cause_id     text        NOT NULL,
    kind         text        NOT NULL,
    payload      bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, incident_id, version),
    UNIQUE (tenant_id, cause_id),
    FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents.incidents (tenant_id, incident_id)
);

ALTER TABLE incidents.incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents.incidents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON incidents.incidents
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE incidents.timeline ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents.timeline FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON incidents.timeline
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
ALTER TABLE incidents.changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents.changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON incidents.changes
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
