-- Each tenant's threshold rules, evaluated against every runtime event.
CREATE TABLE policy.threshold_rules (
    tenant_id  uuid        NOT NULL,
    rule_id    uuid        NOT NULL,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    field      text        NOT NULL,
    operator   text        NOT NULL CHECK (operator IN ('gt', 'gte', 'lt', 'lte', 'eq', 'ne', 'in')),
    value      jsonb       NOT NULL,
    severity   text        NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    action     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    PRIMARY KEY (tenant_id, rule_id)
);

ALTER TABLE policy.threshold_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy.threshold_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON policy.threshold_rules
    USING (tenant_id = palisade.current_tenant())
    WITH CHECK (tenant_id = palisade.current_tenant());
