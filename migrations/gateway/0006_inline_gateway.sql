-- The inline gateway: tenants' data keys, their LLM providers' keys (BYOK), their proxy routes
-- and the vault of reversibly redacted values. Every secret here is sealed with AES-256-GCM:
-- provider keys and vault values under the tenant's data key, data keys under the master key.

CREATE TABLE identity.tenant_data_keys (
    tenant_id       uuid        NOT NULL,
    data_key_id     uuid        NOT NULL,
    -- The 32-byte data key, sealed under the master key named by wrapping_key_id.
    wrapped_key     bytea       NOT NULL,
    wrapping_key_id text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    retired_at      timestamptz,
    PRIMARY KEY (tenant_id, data_key_id)
);
-- One active data key per tenant; retired ones stay until nothing is sealed under them.
CREATE UNIQUE INDEX tenant_data_keys_active ON identity.tenant_data_keys (tenant_id) WHERE retired_at IS NULL;

CREATE TABLE identity.provider_keys (
    tenant_id   uuid        NOT NULL,
    key_id      uuid        NOT NULL,
    provider    text        NOT NULL CHECK (provider IN ('openai', 'anthropic')),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sealed_key  bytea       NOT NULL,
    data_key_id uuid        NOT NULL,
    -- The last four characters, so people can tell keys apart; never more.
    hint        text        NOT NULL CHECK (length(hint) <= 4),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, key_id),
    FOREIGN KEY (tenant_id, data_key_id) REFERENCES identity.tenant_data_keys (tenant_id, data_key_id)
);
CREATE INDEX provider_keys_by_provider ON identity.provider_keys (tenant_id, provider, created_at) WHERE revoked_at IS NULL;

CREATE TABLE identity.proxy_routes (
    tenant_id             uuid        NOT NULL,
    route_id              text        NOT NULL CHECK (route_id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    provider              text        NOT NULL CHECK (provider IN ('openai', 'anthropic')),
    upstream_base_url     text        NOT NULL CHECK (length(upstream_base_url) BETWEEN 8 AND 2048),
    -- Null: the tenant's newest key of the route's provider.
    provider_key_id       uuid,
    -- Empty: any model.
    allowed_models        text[]      NOT NULL DEFAULT '{}',
    fail_mode             text        NOT NULL DEFAULT 'fail_closed' CHECK (fail_mode IN ('fail_open', 'fail_closed')),
    injection_action      text        NOT NULL DEFAULT 'block' CHECK (injection_action IN ('block', 'review', 'flag')),
    pii_mode              text        NOT NULL DEFAULT 'strict' CHECK (pii_mode IN ('strict', 'reversible', 'flag', 'block')),
    secret_mode           text        NOT NULL DEFAULT 'strict' CHECK (secret_mode IN ('strict', 'reversible', 'flag', 'block')),
    request_limit_bytes   integer     NOT NULL DEFAULT 1048576 CHECK (request_limit_bytes BETWEEN 1024 AND 33554432),
    response_limit_bytes  integer     NOT NULL DEFAULT 8388608 CHECK (response_limit_bytes BETWEEN 1024 AND 134217728),
    detector_budget_ms    integer     NOT NULL DEFAULT 50 CHECK (detector_budget_ms BETWEEN 0 AND 10000),
    stream_holdback_chars integer     NOT NULL DEFAULT 256 CHECK (stream_holdback_chars BETWEEN 16 AND 4096),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, route_id)
);

CREATE TABLE identity.redaction_vault (
    tenant_id    uuid        NOT NULL,
    token        text        NOT NULL CHECK (length(token) BETWEEN 8 AND 80),
    detector     text        NOT NULL,
    sealed_value bytea       NOT NULL,
    data_key_id  uuid        NOT NULL,
    request_id   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, token),
    FOREIGN KEY (tenant_id, data_key_id) REFERENCES identity.tenant_data_keys (tenant_id, data_key_id)
);

ALTER TABLE identity.tenant_data_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.tenant_data_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.tenant_data_keys
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

ALTER TABLE identity.provider_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.provider_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.provider_keys
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

ALTER TABLE identity.proxy_routes ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.proxy_routes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.proxy_routes
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());

ALTER TABLE identity.redaction_vault ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.redaction_vault FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.redaction_vault
    USING (tenant_id = palisade.current_tenant()) WITH CHECK (tenant_id = palisade.current_tenant());
