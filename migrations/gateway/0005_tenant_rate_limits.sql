-- A tenant's request allowances at the edge, set by the platform operator. NULL and missing
-- routes fall back to the gateway's defaults.
ALTER TABLE identity.tenants
    ADD COLUMN requests_per_minute integer CHECK (requests_per_minute BETWEEN 1 AND 10000000),
    ADD COLUMN route_requests_per_minute jsonb NOT NULL DEFAULT '{}'::jsonb;
