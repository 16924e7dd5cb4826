-- Each route's trigger windows (its last hour by minute, its last day by hour, the triggers
-- holding on it, the newest runtime event counted), checkpointed by the runtime consumer:
-- a restart, or a partition moving to another instance, picks them up instead of starting
-- the windows (and a drift trigger's trailing day) from nothing. `kafka_partition` and
-- `kafka_offset` name the newest event the state counts: a save never replaces a state that
-- has counted further in the same partition (an instance that lost the partition finishing
-- its batch after the new owner moved on).
CREATE TABLE policy.trigger_windows (
    tenant_id       uuid        NOT NULL,
    route_id        text        NOT NULL CHECK (length(route_id) BETWEEN 1 AND 512),
    state           bytea       NOT NULL CHECK (length(state) <= 1048576),
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    saved_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, route_id)
);

ALTER TABLE policy.trigger_windows ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy.trigger_windows FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON policy.trigger_windows
    USING (tenant_id = palisade.current_tenant())
    WITH CHECK (tenant_id = palisade.current_tenant());
